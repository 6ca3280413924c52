#include "runner/netem.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <limits>
#include <memory>

#include <fmt/format.h>
#include <netlink/errno.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/tc.h>

#include "runner/link.hpp"
#include "runner/netlink_socket.hpp"
#include "sys/kernel_error.hpp"

namespace lab::runner {
namespace {

using QdiscPtr = std::unique_ptr<rtnl_qdisc, void (*)(rtnl_qdisc*)>;

QdiscPtr new_qdisc(int ifindex, std::uint32_t parent, std::uint32_t handle, const char* kind) {
    QdiscPtr q(rtnl_qdisc_alloc(), rtnl_qdisc_put);
    if (!q) throw sys::KernelError("allocate qdisc", ENOMEM);
    rtnl_tc_set_ifindex(TC_CAST(q.get()), ifindex);
    rtnl_tc_set_parent(TC_CAST(q.get()), parent);
    if (handle) rtnl_tc_set_handle(TC_CAST(q.get()), handle);
    rtnl_tc_set_kind(TC_CAST(q.get()), kind);
    return q;
}

// netem's probabilities are fractions of 2^32 - 1.
int probability(double pct) {
    double p = std::clamp(pct, 0.0, 100.0) / 100.0 * static_cast<double>(std::numeric_limits<std::uint32_t>::max());
    return static_cast<int>(static_cast<std::uint32_t>(std::llround(p)));
}

}  // namespace

void apply_netem(NetlinkSocket& sock, const std::string& ifname, const NetemSettings& s) {
    const std::string what = fmt::format("add netem qdisc on {} in netns {}", ifname, sock.netns_name());
    const int ifindex = get_link(sock, ifname).index;
    clear_netem(sock, ifname);

    QdiscPtr netem = new_qdisc(ifindex, TC_H_ROOT, TC_HANDLE(1, 0), "netem");
    rtnl_netem_set_limit(netem.get(), static_cast<int>(s.limit));
    rtnl_netem_set_delay(netem.get(), static_cast<int>(s.delay_us));
    rtnl_netem_set_jitter(netem.get(), static_cast<int>(s.jitter_us));
    rtnl_netem_set_loss(netem.get(), probability(s.loss_pct));
    rtnl_netem_set_duplicate(netem.get(), probability(s.duplicate_pct));
    rtnl_netem_set_corruption_probability(netem.get(), probability(s.corrupt_pct));
    if (s.reorder_pct > 0) rtnl_netem_set_reorder_probability(netem.get(), probability(s.reorder_pct));
    int rc = rtnl_qdisc_add(sock.get(), netem.get(), NLM_F_CREATE | NLM_F_REPLACE);
    if (rc == -NLE_OBJ_NOTFOUND)
        throw sys::KernelError(what, ENOENT,
                          "this kernel has no sch_netem (\"Specified qdisc kind is unknown\"): run with "
                          "--impairments userspace, or in a VM with a stock kernel (lab doctor tells which works here)");
    sock.check(rc, what);

    if (s.rate_bps == 0) return;
    const std::string what_rate = fmt::format("add tbf rate {} bit/s under netem on {}", s.rate_bps, ifname);
    QdiscPtr tbf = new_qdisc(ifindex, TC_HANDLE(1, 1), TC_HANDLE(10, 0), "tbf");
    const auto bytes_per_s = static_cast<int>(std::min<std::uint64_t>(s.rate_bps / 8, std::numeric_limits<int>::max()));
    // The bucket holds 20 ms of tokens, not the usual rate/HZ (4 ms at HZ 250): tbf's watchdog timer fires
    // late on a busy machine and in a TCG guest (5-20 ms there), and every token beyond a full bucket is
    // lost, which showed as 6-9 Mbit/s on a 10 Mbit/s link. A longer line-rate burst after idle is the price.
    rtnl_qdisc_tbf_set_rate(tbf.get(), bytes_per_s, std::max(bytes_per_s / 50, 3000), 0);
    rtnl_qdisc_tbf_set_limit(tbf.get(), static_cast<int>(s.limit) * 1514);
    sock.check(rtnl_qdisc_add(sock.get(), tbf.get(), NLM_F_CREATE), what_rate);
}

void clear_netem(NetlinkSocket& sock, const std::string& ifname) {
    const int ifindex = get_link(sock, ifname).index;
    QdiscPtr root = new_qdisc(ifindex, TC_H_ROOT, 0, "netem");
    int rc = rtnl_qdisc_delete(sock.get(), root.get());
    // No qdisc of ours there yet: nothing to remove.
    if (rc < 0 && rc != -NLE_OBJ_NOTFOUND && rc != -NLE_INVAL && rc != -NLE_NOADDR)
        sock.check(rc, fmt::format("remove root qdisc of {} in netns {}", ifname, sock.netns_name()));
}

}  // namespace lab::runner
