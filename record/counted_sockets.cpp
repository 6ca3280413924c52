#include "record/counted_sockets.hpp"

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

#include <fmt/format.h>

namespace lab::record {
namespace {

double queue_or_count(const SocketEntry& s, std::string_view metric) {
    if (metric == "recv_q") return s.recv_q;
    if (metric == "send_q") return s.send_q;
    return 1;
}

bool state_selected(const SocketSelector& selector, const std::string& state) {
    return selector.states.empty() ||
           std::find(selector.states.begin(), selector.states.end(), state) != selector.states.end();
}

}  // namespace

std::optional<double> selected_sockets(const HostView& view, const SocketSelector& selector, std::string_view metric,
                                       std::string& why) {
    if (view.detail == kDetailNone) {
        why = "the snapshot kept no sockets (detail = \"none\")";
        return std::nullopt;
    }
    double sum = 0;
    for (const SocketEntry& s : view.sockets)
        if (selector.selects(s)) sum += queue_or_count(s, metric);
    if (view.detail == kDetailFull) return sum;

    // counts: the kept sockets are summed above; the rest are rows. A row counted under its remote port
    // (a client's socket) is on a port the host does not serve, so a selector for a served local port
    // cannot pick it; any other field a row lacks leaves the number unknown.
    std::set<std::pair<std::string, std::uint16_t>> served;
    for (const SocketEntry& s : view.sockets) served.emplace(s.protocol, s.local_port);
    for (const SocketCount& row : view.socket_counts) {
        if (!selector.protocol.empty() && row.protocol != selector.protocol) continue;
        if (!state_selected(selector, row.state)) continue;
        if (selector.local_port) {
            if (row.local_port && *row.local_port != *selector.local_port) continue;
            if (!row.local_port) {
                if (served.contains({row.protocol, *selector.local_port})) continue;
                why = fmt::format("the snapshot counted {} {} {} sockets by remote port only (detail = \"counts\"), "
                                  "and local port {} is no listener's: take it with detail = \"full\"",
                                  row.count, row.protocol, row.state, *selector.local_port);
                return std::nullopt;
            }
        }
        if (selector.remote_port) {
            if (row.remote_port && *row.remote_port != *selector.remote_port) continue;
            if (!row.remote_port) {
                why = fmt::format("the snapshot counted {} {} {} sockets on local port {} without their remote "
                                  "ports (detail = \"counts\"): take it with detail = \"full\"",
                                  row.count, row.protocol, row.state, row.local_port.value_or(0));
                return std::nullopt;
            }
        }
        if (metric != "count") {
            why = fmt::format("the snapshot kept the queues of listeners only (detail = \"counts\"), and {} {} {} "
                              "sockets match too: take it with detail = \"full\"",
                              row.count, row.protocol, row.state);
            return std::nullopt;
        }
        sum += static_cast<double>(row.count);
    }
    return sum;
}

}  // namespace lab::record
