#pragma once
// The lab's address space: 198.18.0.0/15, the range RFC 2544 sets aside for benchmarking, so that lab
// traffic can never be mistaken for, or routed to, a real network. Every address a scenario names or the
// plan assigns is checked against it.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace lab::runner {

struct Ipv4Cidr {
    std::uint32_t address = 0;  // host byte order
    int prefix = 0;
    std::uint32_t network() const { return prefix == 0 ? 0 : address & (~0u << (32 - prefix)); }
    std::uint32_t host_count() const;  // usable host addresses (excludes network and broadcast)
    bool contains(std::uint32_t a) const;
    std::string str() const;           // "198.18.0.1/24"
};

std::optional<std::uint32_t> parse_ipv4(std::string_view text);
std::string format_ipv4(std::uint32_t address);
std::optional<Ipv4Cidr> parse_cidr(std::string_view text);

// nullopt when text is a CIDR inside 198.18.0.0/15 with a prefix of /16 to /30; else why not.
std::optional<std::string> lab_cidr_problem(std::string_view text);

// The address plan of one link: the subnet the scenario fixed (nullopt: assign one), and how many hosts
// it joins (each takes an address).
struct SubnetRequest {
    std::optional<Ipv4Cidr> fixed;
    std::size_t hosts = 2;
};

// Why a link got no subnet: its fixed subnet overlaps the fixed subnet of an earlier link (`other`), or
// the lab range has no free block of the size the link needs (/`prefix`) left.
struct SubnetProblem {
    enum class Kind { Overlap, RangeFull };
    Kind kind = Kind::RangeFull;
    std::size_t other = 0;
    int prefix = 24;
};

// The smallest block an unfixed link is given: a /24, or the smallest larger one that holds `hosts`
// (a /23 for 300 hosts). 0 when not even the whole lab range would.
int automatic_prefix(std::size_t hosts);

// Subnets for links, one per request, in request order. Fixed subnets stay where they are (as networks:
// host bits cleared); every other link gets the first free block of its automatic_prefix in the lab
// range, in link order, so the first /24 links are 198.18.0.0/24, 198.18.1.0/24, ... Pure: validation
// uses it to report problems at the link, before anything is built.
std::vector<std::variant<Ipv4Cidr, SubnetProblem>> assign_subnets(const std::vector<SubnetRequest>& links);

}  // namespace lab::runner
