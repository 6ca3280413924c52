#include "lab/agents/source_addresses.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

namespace lab::agent {
namespace {

Parsed<std::vector<Endpoint>> parse_range(std::string_view text, std::size_t dash) {
    const std::string quoted = "'" + std::string(text) + "'";
    auto first = parse_address(text.substr(0, dash));
    if (failed(first)) return std::get<ParseError>(first);
    auto last = parse_address(text.substr(dash + 1));
    if (failed(last)) return std::get<ParseError>(last);
    const auto& a = std::get<Endpoint>(first);
    const auto& b = std::get<Endpoint>(last);
    if (a.family() != AF_INET || b.family() != AF_INET)
        return ParseError{"range " + quoted + ": ranges are IPv4 only (list IPv6 addresses with ',')"};
    std::uint32_t from = ntohl(reinterpret_cast<const sockaddr_in*>(&a.storage)->sin_addr.s_addr);
    std::uint32_t to = ntohl(reinterpret_cast<const sockaddr_in*>(&b.storage)->sin_addr.s_addr);
    if (to < from) return ParseError{"range " + quoted + " ends before it starts"};
    if (to - from >= max_source_addresses)
        return ParseError{"range " + quoted + " holds more than " + std::to_string(max_source_addresses) + " addresses"};
    std::vector<Endpoint> out;
    for (std::uint64_t v = from; v <= to; ++v) {
        Endpoint ep = a;
        reinterpret_cast<sockaddr_in*>(&ep.storage)->sin_addr.s_addr = htonl(static_cast<std::uint32_t>(v));
        out.push_back(ep);
    }
    return out;
}

}  // namespace

Parsed<std::vector<Endpoint>> parse_source_addresses(std::string_view text) {
    std::vector<Endpoint> out;
    std::size_t start = 0;
    while (true) {
        auto comma = text.find(',', start);
        std::string_view item = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        if (item.empty()) return ParseError{"'" + std::string(text) + "' has an empty address (two ',' in a row?)"};
        auto dash = item.find('-');
        if (dash != std::string_view::npos) {
            auto range = parse_range(item, dash);
            if (failed(range)) return std::get<ParseError>(range);
            for (auto& ep : std::get<std::vector<Endpoint>>(range)) out.push_back(ep);
        } else {
            auto ep = parse_address(item);
            if (failed(ep)) return std::get<ParseError>(ep);
            out.push_back(std::get<Endpoint>(ep));
        }
        if (out.size() > max_source_addresses)
            return ParseError{"'" + std::string(text) + "' holds more than " + std::to_string(max_source_addresses) + " addresses"};
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    for (const auto& ep : out)
        if (ep.family() != out.front().family())
            return ParseError{"'" + std::string(text) + "' mixes IPv4 and IPv6 addresses"};
    return out;
}

}  // namespace lab::agent
