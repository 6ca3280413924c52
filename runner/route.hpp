#pragma once
// Static IPv4 routes in the main table of the socket's namespace.
#include <cstdint>

#include "runner/lab_addresses.hpp"

namespace lab::runner {

class NetlinkSocket;

// The kernel picks the device from `via`, so `via` must be on a connected network of that
// namespace (ENETUNREACH otherwise). `to` must have no host bits set.
void add_route(NetlinkSocket& sock, const Ipv4Cidr& to, std::uint32_t via);

}  // namespace lab::runner
