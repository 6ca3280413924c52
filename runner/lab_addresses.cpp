#include "runner/lab_addresses.hpp"

#include <arpa/inet.h>

#include <map>
#include <utility>

#include <fmt/format.h>

namespace lab::runner {
namespace {

const Ipv4Cidr kLabRange{0xC6120000u, 15};  // 198.18.0.0/15
// A link's subnet: at most half the range, at least room for two hosts.
constexpr int kWidestPrefix = 16;
constexpr int kNarrowestPrefix = 30;

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
    if (c->prefix < kWidestPrefix || c->prefix > kNarrowestPrefix)
        return fmt::format("'{}': use a prefix from /{} to /{}", text, kWidestPrefix, kNarrowestPrefix);
    return std::nullopt;
}

int automatic_prefix(std::size_t hosts) {
    for (int prefix = 24; prefix >= kWidestPrefix; --prefix)
        if (hosts <= Ipv4Cidr{0, prefix}.host_count()) return prefix;
    return 0;
}

std::vector<std::variant<Ipv4Cidr, SubnetProblem>> assign_subnets(const std::vector<SubnetRequest>& links) {
    std::vector<std::variant<Ipv4Cidr, SubnetProblem>> out(links.size());
    // Taken blocks by first address → (last address, link): disjoint, so an overlap is found next to
    // where a block would go, and a run of taken blocks is skipped in one step.
    std::map<std::uint32_t, std::pair<std::uint32_t, std::size_t>> taken;
    auto last_address = [](const Ipv4Cidr& net) { return net.network() | ~(~0u << (32 - net.prefix)); };
    auto overlapping = [&](std::uint32_t first, std::uint32_t last) -> const std::pair<std::uint32_t, std::size_t>* {
        auto it = taken.upper_bound(last);  // the first block that starts after this one
        if (it == taken.begin()) return nullptr;
        --it;
        return it->second.first >= first ? &it->second : nullptr;
    };
    for (std::size_t i = 0; i < links.size(); ++i) {
        if (!links[i].fixed) continue;
        const Ipv4Cidr net{links[i].fixed->network(), links[i].fixed->prefix};
        if (const auto* clash = overlapping(net.network(), last_address(net))) {
            out[i] = SubnetProblem{SubnetProblem::Kind::Overlap, clash->second, net.prefix};
            continue;
        }
        taken.emplace(net.network(), std::pair(last_address(net), i));
        out[i] = net;
    }
    // One cursor per block size: whatever lies before it was taken when it passed, and still is.
    std::map<int, std::uint64_t> cursor;
    const std::uint64_t range_end = std::uint64_t{kLabRange.address} + (std::uint64_t{1} << (32 - kLabRange.prefix));
    for (std::size_t i = 0; i < links.size(); ++i) {
        if (links[i].fixed) continue;
        const int prefix = automatic_prefix(links[i].hosts);
        if (prefix == 0) {
            out[i] = SubnetProblem{SubnetProblem::Kind::RangeFull, 0, kWidestPrefix};
            continue;
        }
        const std::uint64_t size = std::uint64_t{1} << (32 - prefix);
        std::uint64_t& at = cursor.try_emplace(prefix, kLabRange.address).first->second;
        out[i] = SubnetProblem{SubnetProblem::Kind::RangeFull, 0, prefix};
        while (at + size <= range_end) {
            const auto first = static_cast<std::uint32_t>(at), last = static_cast<std::uint32_t>(at + size - 1);
            if (const auto* clash = overlapping(first, last)) {
                at = (std::uint64_t{clash->first} + size) / size * size;  // the next block after the clash
                continue;
            }
            taken.emplace(first, std::pair(last, i));
            out[i] = Ipv4Cidr{first, prefix};
            at += size;
            break;
        }
    }
    return out;
}

}  // namespace lab::runner
