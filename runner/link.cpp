#include "runner/link.hpp"

#include <linux/if.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>

#include <cerrno>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

#include "runner/netlink_socket.hpp"
#include "runner/netns.hpp"
#include "sys/kernel_error.hpp"

namespace lab::runner {
namespace {

struct LinkPut {
    void operator()(rtnl_link* link) const { rtnl_link_put(link); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkPut>;

LinkPtr allocated(rtnl_link* link, const std::string& what) {
    if (!link) sys::throw_kernel_error(what, ENOMEM);
    return LinkPtr(link);
}

void require_valid(const std::string& ifname) {
    if (auto problem = check_ifname(ifname)) throw std::invalid_argument(*problem);
}

// RTM_NEWLINK on an existing device, found by name: index 0 in the request makes the kernel
// look the name up, which saves a round trip per change.
void change_link(NetlinkSocket& sock, const std::string& ifname, rtnl_link* changes,
                 const std::string& what) {
    LinkPtr orig = allocated(rtnl_link_alloc(), what);
    rtnl_link_set_name(orig.get(), ifname.c_str());
    rtnl_link_set_name(changes, ifname.c_str());
    sock.check(rtnl_link_change(sock.get(), orig.get(), changes, 0), what);
}

}  // namespace

std::optional<std::string> check_ifname(std::string_view name) {
    if (name.empty()) return "interface name is empty";
    if (name.size() >= IFNAMSIZ)
        return fmt::format("interface name '{}' is longer than {} characters", name, IFNAMSIZ - 1);
    if (name == "." || name == "..") return fmt::format("interface name '{}' is reserved", name);
    for (char c : name) {
        if (c == '/' || c == ':' || c == '%' || c <= ' ' || c > '~')
            return fmt::format(
                "interface name '{}' contains '/', ':', '%', a space or a non-printable character", name);
    }
    return std::nullopt;
}

std::optional<LinkState> find_link(NetlinkSocket& sock, const std::string& ifname) {
    const std::string what = fmt::format("look up link {} in netns {}", ifname, sock.netns_name());
    require_valid(ifname);
    rtnl_link* raw = nullptr;
    try {
        sock.check(rtnl_link_get_kernel(sock.get(), 0, ifname.c_str(), &raw), what);
    } catch (const sys::KernelError& e) {
        if (e.error_code() == ENODEV) return std::nullopt;
        throw;
    }
    LinkPtr link(raw);
    LinkState state;
    state.index = rtnl_link_get_ifindex(raw);
    state.name = rtnl_link_get_name(raw) ? rtnl_link_get_name(raw) : ifname;
    if (const char* kind = rtnl_link_get_type(raw)) state.kind = kind;
    const unsigned flags = rtnl_link_get_flags(raw);
    state.admin_up = flags & IFF_UP;
    state.lower_up = flags & IFF_LOWER_UP;
    state.oper_up = rtnl_link_get_operstate(raw) == IF_OPER_UP;
    state.mtu = rtnl_link_get_mtu(raw);
    state.master_index = rtnl_link_get_master(raw);
    return state;
}

LinkState get_link(NetlinkSocket& sock, const std::string& ifname) {
    if (auto state = find_link(sock, ifname)) return *state;
    throw sys::KernelError(fmt::format("look up link {} in netns {}", ifname, sock.netns_name()), ENODEV);
}

void create_veth(NetlinkSocket& sock, const Netns& ns, const std::string& ifname,
                 const Netns& peer_ns, const std::string& peer_ifname) {
    const std::string what = fmt::format("create veth {} in netns {} (peer {} in netns {})", ifname,
                                         ns.name(), peer_ifname, peer_ns.name());
    require_valid(ifname);
    require_valid(peer_ifname);
    LinkPtr link = allocated(rtnl_link_veth_alloc(), what);
    rtnl_link_set_name(link.get(), ifname.c_str());
    rtnl_link_set_ns_fd(link.get(), ns.fd());
    LinkPtr peer(rtnl_link_veth_get_peer(link.get()));
    rtnl_link_set_name(peer.get(), peer_ifname.c_str());
    rtnl_link_set_ns_fd(peer.get(), peer_ns.fd());
    sock.check(rtnl_link_add(sock.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL), what);
}

void create_veth_on_bridge(NetlinkSocket& sock, const std::string& port, int bridge_index,
                           const Netns& peer_ns, const std::string& peer_ifname) {
    const std::string what = fmt::format("create veth {} up on bridge #{} in netns {} (peer {} in netns {})", port,
                                         bridge_index, sock.netns_name(), peer_ifname, peer_ns.name());
    require_valid(port);
    require_valid(peer_ifname);
    LinkPtr link = allocated(rtnl_link_veth_alloc(), what);
    rtnl_link_set_name(link.get(), port.c_str());
    // The kernel enslaves after registering and bringing the device up, within the same request.
    rtnl_link_set_master(link.get(), bridge_index);
    rtnl_link_set_flags(link.get(), IFF_UP);
    LinkPtr peer(rtnl_link_veth_get_peer(link.get()));
    rtnl_link_set_name(peer.get(), peer_ifname.c_str());
    rtnl_link_set_ns_fd(peer.get(), peer_ns.fd());
    sock.check(rtnl_link_add(sock.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL), what);
}

void create_bridge(NetlinkSocket& sock, const std::string& ifname) {
    const std::string what = fmt::format("create bridge {} in netns {}", ifname, sock.netns_name());
    require_valid(ifname);
    LinkPtr link = allocated(rtnl_link_bridge_alloc(), what);
    rtnl_link_set_name(link.get(), ifname.c_str());
    sock.check(rtnl_link_add(sock.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL), what);
}

void set_master(NetlinkSocket& sock, const std::string& ifname, const std::string& bridge) {
    const std::string what =
        fmt::format("attach {} to bridge {} in netns {}", ifname, bridge, sock.netns_name());
    const auto master = find_link(sock, bridge);
    if (!master) throw sys::KernelError(what, ENODEV, fmt::format("there is no {}", bridge));
    LinkPtr changes = allocated(rtnl_link_alloc(), what);
    rtnl_link_set_master(changes.get(), master->index);
    change_link(sock, ifname, changes.get(), what);
}

void release_from_bridge(NetlinkSocket& sock, const std::string& ifname) {
    const std::string what = fmt::format("detach {} from its bridge in netns {}", ifname, sock.netns_name());
    LinkPtr changes = allocated(rtnl_link_alloc(), what);
    rtnl_link_set_master(changes.get(), 0);
    change_link(sock, ifname, changes.get(), what);
}

void set_link_up(NetlinkSocket& sock, const std::string& ifname) {
    const std::string what = fmt::format("set link {} up in netns {}", ifname, sock.netns_name());
    LinkPtr changes = allocated(rtnl_link_alloc(), what);
    rtnl_link_set_flags(changes.get(), IFF_UP);
    change_link(sock, ifname, changes.get(), what);
}

void set_link_down(NetlinkSocket& sock, const std::string& ifname) {
    const std::string what = fmt::format("set link {} down in netns {}", ifname, sock.netns_name());
    LinkPtr changes = allocated(rtnl_link_alloc(), what);
    rtnl_link_unset_flags(changes.get(), IFF_UP);
    change_link(sock, ifname, changes.get(), what);
}

}  // namespace lab::runner
