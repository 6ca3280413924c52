#pragma once
// The addresses on a device, through netlink. Parsing and the lab range live in lab_addresses.hpp,
// so a scenario is checked before the kernel is asked.
#include <cstdint>
#include <string>
#include <vector>

#include "runner/lab_addresses.hpp"

namespace lab::runner {

class NetlinkSocket;

// Inside 198.18.0.0/15: the only addresses a lab may put on a device or route through.
bool is_lab_address(std::uint32_t address);

void add_address(NetlinkSocket& sock, const std::string& ifname, const Ipv4Cidr& cidr);
// IPv4 addresses only: the lab does not assign IPv6 ones.
std::vector<Ipv4Cidr> list_addresses(NetlinkSocket& sock, const std::string& ifname);

}  // namespace lab::runner
