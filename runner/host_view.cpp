#include "runner/host_view.hpp"

#include "runner/net_counters.hpp"
#include "runner/sock_diag.hpp"

namespace lab::runner {

record::HostView observe_host(const Netns& ns, std::optional<std::chrono::steady_clock::time_point> clock_start) {
    return run_in_netns(ns, [clock_start] {
        record::HostView view;
        view.sockets = snapshot_sockets();
        view.counters = read_net_counters();
        if (clock_start)
            view.counters_t = std::chrono::duration<double>(std::chrono::steady_clock::now() - *clock_start).count();
        return view;
    });
}

std::size_t count_sockets(const Netns& ns, const record::SocketSelector& selector) {
    return run_in_netns(ns, [&selector] {
        std::size_t n = 0;
        for (const SocketEntry& s : snapshot_sockets()) n += selector.selects(s);
        return n;
    });
}

}  // namespace lab::runner
