#include "runner/lab_addresses.hpp"

#include <arpa/inet.h>

#include <stdexcept>

#include <fmt/format.h>

namespace lab::runner {
namespace {

const Ipv4Cidr kLabRange{0xC6120000u, 15};  // 198.18.0.0/15

bool overlaps(const Ipv4Cidr& a, const Ipv4Cidr& b) {
    int p = std::min(a.prefix, b.prefix);
    std::uint32_t mask = p == 0 ? 0 : ~0u << (32 - p);
    return (a.address & mask) == (b.address & mask);
}

}  // namespace

std::uint32_t Ipv4Cidr::host_count() const {
    if (prefix >= 31) return prefix == 31 ? 2 : 1;
    return (1u << (32 - prefix)) - 2;
}

bool Ipv4Cidr::contains(std::uint32_t a) const {
    std::uint32_t mask = prefix == 0 ? 0 : ~0u << (32 - prefix);
    return (a & mask) == network();
}

std::string Ipv4Cidr::str() const { return fmt::format("{}/{}", format_ipv4(address), prefix); }

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
    std::string s(text);
    in_addr a{};
    if (inet_pton(AF_INET, s.c_str(), &a) != 1) return std::nullopt;
    return ntohl(a.s_addr);
}

std::string format_ipv4(std::uint32_t address) {
    return fmt::format("{}.{}.{}.{}", address >> 24, (address >> 16) & 0xff, (address >> 8) & 0xff, address & 0xff);
}

std::optional<Ipv4Cidr> parse_cidr(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto addr = parse_ipv4(text.substr(0, slash));
    std::string_view p = text.substr(slash + 1);
    if (!addr || p.empty() || p.size() > 2) return std::nullopt;
    int prefix = 0;
    for (char c : p) {
        if (c < '0' || c > '9') return std::nullopt;
        prefix = prefix * 10 + (c - '0');
    }
    if (prefix > 32) return std::nullopt;
    return Ipv4Cidr{*addr, prefix};
}

std::optional<std::string> lab_cidr_problem(std::string_view text) {
    auto c = parse_cidr(text);
    if (!c) return fmt::format("'{}' is not an IPv4 CIDR such as \"198.18.4.0/24\"", text);
    if (!kLabRange.contains(c->address))
        return fmt::format("'{}' is outside the lab range 198.18.0.0/15 (lab traffic must never reach a real "
                           "network)",
                           text);
    if (c->prefix < 16 || c->prefix > 30) return fmt::format("'{}': use a prefix from /16 to /30", text);
    return std::nullopt;
}

std::vector<Ipv4Cidr> assign_subnets(const std::vector<std::string>& fixed_or_empty) {
    std::vector<Ipv4Cidr> out(fixed_or_empty.size());
    std::vector<Ipv4Cidr> taken;
    for (std::size_t i = 0; i < fixed_or_empty.size(); ++i) {
        if (fixed_or_empty[i].empty()) continue;
        auto c = parse_cidr(fixed_or_empty[i]);
        if (!c) throw std::runtime_error(fmt::format("subnet '{}' is not a CIDR", fixed_or_empty[i]));
        Ipv4Cidr net{c->network(), c->prefix};
        for (const auto& t : taken)
            if (overlaps(t, net)) throw std::runtime_error(fmt::format("subnets {} and {} overlap", t.str(), net.str()));
        taken.push_back(net);
        out[i] = net;
    }
    std::uint32_t next = kLabRange.address;
    const std::uint32_t end = kLabRange.address + (1u << (32 - kLabRange.prefix));
    for (std::size_t i = 0; i < fixed_or_empty.size(); ++i) {
        if (!fixed_or_empty[i].empty()) continue;
        for (;;) {
            if (next >= end) throw std::runtime_error("the lab range 198.18.0.0/15 has no free /24 left");
            Ipv4Cidr candidate{next, 24};
            next += 256;
            bool clash = false;
            for (const auto& t : taken) clash = clash || overlaps(t, candidate);
            if (clash) continue;
            taken.push_back(candidate);
            out[i] = candidate;
            break;
        }
    }
    return out;
}

}  // namespace lab::runner
