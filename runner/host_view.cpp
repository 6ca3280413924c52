#include "runner/host_view.hpp"

#include "runner/net_counters.hpp"
#include "runner/sock_diag.hpp"

namespace lab::runner {

record::HostView observe_host(const Netns& ns) {
    return run_in_netns(ns, [] {
        record::HostView view;
        view.sockets = snapshot_sockets();
        view.counters = read_net_counters();
        return view;
    });
}

}  // namespace lab::runner
