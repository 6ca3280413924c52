#pragma once
// The lab's address space: 198.18.0.0/15, the range RFC 2544 sets aside for benchmarking, so that lab
// traffic can never be mistaken for, or routed to, a real network. Every address a scenario names or the
// plan assigns is checked against it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

// Subnets for links: the ones the scenario fixed stay; the others get the next free /24 of the lab range.
// Throws std::runtime_error when the range is exhausted or fixed subnets overlap.
std::vector<Ipv4Cidr> assign_subnets(const std::vector<std::string>& fixed_or_empty);

}  // namespace lab::runner
