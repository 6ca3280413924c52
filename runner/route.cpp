#include "runner/route.hpp"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <netlink/addr.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <sys/socket.h>

#include <cerrno>
#include <memory>

#include <fmt/format.h>

#include "runner/netlink_socket.hpp"
#include "sys/kernel_error.hpp"

namespace lab::runner {
namespace {

struct RoutePut {
    void operator()(rtnl_route* r) const { rtnl_route_put(r); }
    void operator()(nl_addr* a) const { nl_addr_put(a); }
};

std::unique_ptr<nl_addr, RoutePut> build_addr(std::uint32_t address, int prefix_len) {
    const std::uint32_t be = htonl(address);
    std::unique_ptr<nl_addr, RoutePut> addr(nl_addr_build(AF_INET, &be, sizeof(be)));
    if (addr) nl_addr_set_prefixlen(addr.get(), prefix_len);
    return addr;
}

}  // namespace

void add_route(NetlinkSocket& sock, const Ipv4Cidr& to, std::uint32_t via) {
    const std::string what = fmt::format("add route {} via {} in netns {}", to.str(),
                                         format_ipv4(via), sock.netns_name());
    std::unique_ptr<rtnl_route, RoutePut> route(rtnl_route_alloc());
    auto dst = build_addr(to.address, to.prefix);
    auto gateway = build_addr(via, 32);
    rtnl_nexthop* hop = rtnl_route_nh_alloc();
    if (!route || !dst || !gateway || !hop) {
        if (hop) rtnl_route_nh_free(hop);
        sys::throw_kernel_error(what, ENOMEM);
    }
    rtnl_route_nh_set_gateway(hop, gateway.get());
    rtnl_route_add_nexthop(route.get(), hop);  // the route owns it from here
    sock.check(rtnl_route_set_family(route.get(), AF_INET), what);
    sock.check(rtnl_route_set_dst(route.get(), dst.get()), what);
    rtnl_route_set_table(route.get(), RT_TABLE_MAIN);
    rtnl_route_set_protocol(route.get(), RTPROT_STATIC);
    rtnl_route_set_scope(route.get(), RT_SCOPE_UNIVERSE);
    rtnl_route_set_type(route.get(), RTN_UNICAST);
    sock.check(rtnl_route_add(sock.get(), route.get(), NLM_F_CREATE | NLM_F_EXCL), what);
}

}  // namespace lab::runner
