#include "runner/qdisc_probe.hpp"

#include <unistd.h>

#include <atomic>
#include <memory>

#include <fmt/format.h>
#include <netlink/errno.h>
#include <netlink/route/link.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/tc.h>

#include "runner/link.hpp"
#include "runner/netlink_socket.hpp"
#include "runner/netns.hpp"

namespace lab::runner {

ProbeResult probe_qdisc(const std::string& kind) {
    static std::atomic<unsigned> probes{0};
    // lab-<tool>-<pid>-...: `lab clean` removes it after a crash (run_owner.hpp, namespace_origin).
    Netns ns = Netns::create(fmt::format("lab-probe-{}-{}-{}", ::getpid(), kind, probes++));
    NetlinkSocket sock = NetlinkSocket::open_in(ns);
    create_veth(sock, ns, "probe0", ns, "probe1");
    LinkState link = get_link(sock, "probe0");

    std::unique_ptr<rtnl_qdisc, void (*)(rtnl_qdisc*)> qdisc(rtnl_qdisc_alloc(), rtnl_qdisc_put);
    if (!qdisc) return {false, "out of memory"};
    rtnl_tc_set_ifindex(TC_CAST(qdisc.get()), link.index);
    rtnl_tc_set_parent(TC_CAST(qdisc.get()), TC_H_ROOT);
    if (rtnl_tc_set_kind(TC_CAST(qdisc.get()), kind.c_str()) < 0) return {false, "libnl does not know " + kind};
    if (kind == "netem") {
        rtnl_netem_set_delay(qdisc.get(), 1000);
    } else if (kind == "tbf") {
        rtnl_qdisc_tbf_set_limit(qdisc.get(), 100000);
        rtnl_qdisc_tbf_set_rate(qdisc.get(), 1250000, 10000, 0);
    }
    int rc = rtnl_qdisc_add(sock.get(), qdisc.get(), NLM_F_CREATE);
    if (rc < 0) return {false, fmt::format("{} ({})", nl_geterror(rc), rc == -NLE_OBJ_NOTFOUND ? "kind unknown to this kernel" : "refused")};
    return {true, ""};
}

}  // namespace lab::runner
