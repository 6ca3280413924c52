#include "runner/host_view.hpp"

#include <string>

#include "record/counted_sockets.hpp"
#include "runner/net_counters.hpp"
#include "runner/sock_diag.hpp"
#include "runner/socket_tally.hpp"

namespace lab::runner {
namespace {

// The calling thread's sockets at `detail`; "" decides by how many there are.
void read_sockets(record::HostView& view, std::string_view detail) {
    if (detail == record::kDetailNone) {
        view.detail = record::kDetailNone;
        return;
    }
    if (detail == record::kDetailFull) {
        view.sockets = snapshot_sockets();
        return;
    }
    SocketTally tally = tally_sockets();
    if (detail.empty() && tally.total <= kFullDetailLimit) {
        view.sockets = snapshot_sockets();
        return;
    }
    view.detail = record::kDetailCounts;
    view.sockets = std::move(tally.kept);
    view.socket_counts = std::move(tally.counts);
}

}  // namespace

record::HostView observe_host(const Netns& ns, std::optional<std::chrono::steady_clock::time_point> clock_start,
                              std::string_view detail) {
    return run_in_netns(ns, [clock_start, detail] {
        record::HostView view;
        read_sockets(view, detail);
        view.counters = read_net_counters();
        if (clock_start)
            view.counters_t = std::chrono::duration<double>(std::chrono::steady_clock::now() - *clock_start).count();
        return view;
    });
}

std::size_t count_sockets(const Netns& ns, const record::SocketSelector& selector) {
    return run_in_netns(ns, [&selector] {
        SocketTally tally = tally_sockets();
        record::HostView view;
        view.detail = record::kDetailCounts;
        view.sockets = std::move(tally.kept);
        view.socket_counts = std::move(tally.counts);
        std::string why;
        if (auto n = record::selected_sockets(view, selector, "count", why)) return static_cast<std::size_t>(*n);
        // The counts do not tell (a remote port on a server's sockets): every socket, whole.
        std::size_t n = 0;
        for (const SocketEntry& s : snapshot_sockets()) n += selector.selects(s);
        return n;
    });
}

}  // namespace lab::runner
