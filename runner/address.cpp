#include "runner/address.hpp"

#include <arpa/inet.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <fmt/format.h>

#include "runner/link.hpp"
#include "runner/netlink_socket.hpp"
#include "sys/kernel_error.hpp"

namespace lab::runner {
namespace {

struct AddrPut {
    void operator()(rtnl_addr* a) const { rtnl_addr_put(a); }
    void operator()(nl_addr* a) const { nl_addr_put(a); }
    void operator()(nl_cache* c) const { nl_cache_free(c); }
};

}  // namespace

bool is_lab_address(std::uint32_t address) {
    const Ipv4Cidr lab_range{0xC6120000u, 15};
    return lab_range.contains(address);
}

void add_address(NetlinkSocket& sock, const std::string& ifname, const Ipv4Cidr& cidr) {
    const std::string what =
        fmt::format("add address {} to {} in netns {}", cidr.str(), ifname, sock.netns_name());
    const auto link = find_link(sock, ifname);
    if (!link) throw sys::KernelError(what, ENODEV, fmt::format("there is no {}", ifname));
    std::unique_ptr<rtnl_addr, AddrPut> addr(rtnl_addr_alloc());
    const std::uint32_t be = htonl(cidr.address);
    std::unique_ptr<nl_addr, AddrPut> local(nl_addr_build(AF_INET, &be, sizeof(be)));
    if (!addr || !local) sys::throw_kernel_error(what, ENOMEM);
    nl_addr_set_prefixlen(local.get(), cidr.prefix);
    rtnl_addr_set_family(addr.get(), AF_INET);
    rtnl_addr_set_ifindex(addr.get(), link->index);
    sock.check(rtnl_addr_set_local(addr.get(), local.get()), what);
    rtnl_addr_set_prefixlen(addr.get(), cidr.prefix);
    sock.check(rtnl_addr_add(sock.get(), addr.get(), NLM_F_CREATE | NLM_F_EXCL), what);
}

std::vector<Ipv4Cidr> list_addresses(NetlinkSocket& sock, const std::string& ifname) {
    const std::string what = fmt::format("list addresses of {} in netns {}", ifname, sock.netns_name());
    const LinkState link = get_link(sock, ifname);
    nl_cache* raw = nullptr;
    sock.check(rtnl_addr_alloc_cache(sock.get(), &raw), what);
    std::unique_ptr<nl_cache, AddrPut> cache(raw);
    std::vector<Ipv4Cidr> found;
    for (nl_object* obj = nl_cache_get_first(raw); obj; obj = nl_cache_get_next(obj)) {
        auto* addr = reinterpret_cast<rtnl_addr*>(obj);
        if (rtnl_addr_get_ifindex(addr) != link.index || rtnl_addr_get_family(addr) != AF_INET) continue;
        nl_addr* local = rtnl_addr_get_local(addr);
        if (!local || nl_addr_get_len(local) != 4) continue;
        std::uint32_t be = 0;
        std::memcpy(&be, nl_addr_get_binary_addr(local), sizeof(be));
        found.push_back(Ipv4Cidr{ntohl(be), rtnl_addr_get_prefixlen(addr)});
    }
    return found;
}

}  // namespace lab::runner
