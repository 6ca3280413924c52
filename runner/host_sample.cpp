#include "runner/host_sample.hpp"

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "runner/sock_diag.hpp"
#include "runner/socket_tally.hpp"
#include "runner/tcp_state_names.hpp"

namespace lab::runner {
namespace {


std::optional<std::string> read_whole(const std::string& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

void add_sockets(std::map<std::string, double>& values) {
    for (auto state : kTcpStateNames) values["sockets." + std::string(state)] = 0;
    values["sockets.total"] = 0;
    values["udp.sockets"] = 0;
    values["accept_queue"] = 0;
    SocketTally tally = tally_sockets();
    for (const record::SocketEntry& s : tally.kept) {
        if (s.protocol != "tcp") {
            values["udp.sockets"] += 1;
            continue;
        }
        values["sockets." + s.state] += 1;
        values["sockets.total"] += 1;
        values["accept_queue"] += s.recv_q;
        values[fmt::format("accept_queue.{}", s.local_port)] += s.recv_q;
    }
    for (const record::SocketCount& row : tally.counts) {
        if (row.protocol != "tcp") {
            values["udp.sockets"] += static_cast<double>(row.count);
            continue;
        }
        values["sockets." + row.state] += static_cast<double>(row.count);
        values["sockets.total"] += static_cast<double>(row.count);
    }
}

void add_rates(const HostSampleRequest& request, std::map<std::string, double>& values, HostSampleState& state) {
    CounterMap now = read_net_counters();
    const auto now_at = std::chrono::steady_clock::now();
    if (state.counters_at) {
        const double seconds = std::chrono::duration<double>(now_at - *state.counters_at).count();
        const CounterMap delta = counter_delta(state.counters, now);
        for (const auto& name : request.counters) {
            auto it = delta.find(name);
            if (it != delta.end() && now.contains(name) && seconds > 0)
                values["rate." + name] = static_cast<double>(it->second) / seconds;
        }
    }
    state.counters = std::move(now);
    state.counters_at = now_at;
}

void add_rss(const HostSampleRequest& request, const ProcessRoster& roster, std::map<std::string, double>& values) {
    double total = 0;
    roster.each_running_on(request.host, [&](const RosterEntry& e) {
        auto status = read_whole(fmt::format("/proc/{}/status", e.pid));
        if (!status) return;
        auto rss = parse_vm_rss(*status);
        if (!rss) return;
        values[fmt::format("rss.{}.{}", e.name, e.instance)] = *rss;
        values["rss." + e.name] += *rss;
        total += *rss;
    });
    values["rss.total"] = total;
}

}  // namespace

std::map<std::string, double> parse_sockstat(std::string_view text) {
    std::map<std::string, double> out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        const std::string section = lower(line.substr(0, colon));
        std::istringstream fields{std::string(line.substr(colon + 1))};
        std::string key, value;
        while (fields >> key >> value) {
            double number = 0;
            auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
            if (ec == std::errc() && ptr == value.data() + value.size())
                out[fmt::format("sockstat.{}.{}", section, key)] = number;
        }
    }
    return out;
}

std::optional<double> parse_vm_rss(std::string_view status) {
    const auto at = status.find("VmRSS:");
    if (at == std::string_view::npos) return std::nullopt;
    std::string_view rest = status.substr(at + 6);
    const auto digits = rest.find_first_not_of(" \t");
    if (digits == std::string_view::npos) return std::nullopt;
    rest = rest.substr(digits);
    std::uint64_t kib = 0;
    auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), kib);
    if (ec != std::errc() || std::string_view(ptr, rest.data() + rest.size()).substr(0, 3) != " kB") return std::nullopt;
    return static_cast<double>(kib) * 1024.0;
}

record::SeriesPoint read_host_sample(const HostSampleRequest& request, const ProcessRoster& roster, double t,
                                     HostSampleState& state) {
    const auto began = std::chrono::steady_clock::now();
    record::SeriesPoint point;
    point.t = t;
    run_in_netns(*request.ns, [&] {
        if (request.count_sockets) add_sockets(point.values);
        add_rates(request, point.values, state);
        // /proc/net follows the main thread's namespace; this thread's is the host's.
        if (auto sockstat = read_whole("/proc/thread-self/net/sockstat"))
            for (auto& [name, value] : parse_sockstat(*sockstat)) point.values[name] = value;
    });
    add_rss(request, roster, point.values);
    point.took_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    return point;
}

}  // namespace lab::runner
