#include "lab/agents/endpoint.hpp"

#include <charconv>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>

namespace lab::agent {
namespace {

std::optional<Endpoint> address_literal(std::string_view text) {
    // inet_pton wants a NUL-terminated string; an address never needs more than this.
    if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
    std::string copy(text);
    Endpoint ep;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&ep.storage);
    if (inet_pton(AF_INET, copy.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        ep.length = sizeof(sockaddr_in);
        return ep;
    }
    ep = Endpoint{};
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&ep.storage);
    if (inet_pton(AF_INET6, copy.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        ep.length = sizeof(sockaddr_in6);
        return ep;
    }
    return std::nullopt;
}

void set_port(Endpoint& ep, std::uint16_t port) {
    if (ep.family() == AF_INET)
        reinterpret_cast<sockaddr_in*>(&ep.storage)->sin_port = htons(port);
    else
        reinterpret_cast<sockaddr_in6*>(&ep.storage)->sin6_port = htons(port);
}

std::optional<std::string> socket_name(int fd, int (*getter)(int, sockaddr*, socklen_t*)) {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (getter(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return std::nullopt;
    return endpoint_text(reinterpret_cast<const sockaddr*>(&storage), length);
}

}  // namespace

std::uint16_t Endpoint::port() const {
    if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
    if (family() == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
    return 0;
}

std::string Endpoint::text() const { return endpoint_text(address(), length); }

Endpoint Endpoint::with_port(std::uint16_t port) const {
    Endpoint copy = *this;
    set_port(copy, port);
    return copy;
}

Parsed<Endpoint> parse_endpoint(std::string_view text) {
    const std::string quoted = "'" + std::string(text) + "'";
    std::string_view host, port_text;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return ParseError{quoted + " is not ADDR:PORT (an IPv6 address is written [ADDR]:PORT)"};
        host = text.substr(1, close - 1);
        port_text = text.substr(close + 2);
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string_view::npos)
            return ParseError{quoted + " has no port (expected ADDR:PORT, e.g. 198.18.0.1:7000)"};
        host = text.substr(0, colon);
        port_text = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos)
            return ParseError{quoted + ": write an IPv6 address in brackets, e.g. [::1]:7000"};
    }
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535)
        return ParseError{quoted + " has a bad port '" + std::string(port_text) + "' (expected 0-65535)"};
    auto ep = address_literal(host);
    if (!ep)
        return ParseError{quoted + ": '" + std::string(host) +
                          "' is not an IPv4 or IPv6 address literal (names are not resolved)"};
    set_port(*ep, static_cast<std::uint16_t>(port));
    return *ep;
}

Parsed<Endpoint> parse_address(std::string_view text) {
    std::string_view host = text;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    auto ep = address_literal(host);
    if (!ep)
        return ParseError{"'" + std::string(text) +
                          "' is not an IPv4 or IPv6 address literal (names are not resolved)"};
    return *ep;
}

std::string endpoint_text(const sockaddr* address, socklen_t length) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (address->sa_family == AF_INET && length >= sizeof(sockaddr_in)) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
        inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf);
        return std::string(buf) + ":" + std::to_string(ntohs(v4->sin_port));
    }
    if (address->sa_family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
        inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
        return "[" + std::string(buf) + "]:" + std::to_string(ntohs(v6->sin6_port));
    }
    return "family" + std::to_string(address->sa_family);
}

std::optional<std::string> local_name(int fd) { return socket_name(fd, ::getsockname); }
std::optional<std::string> peer_name(int fd) { return socket_name(fd, ::getpeername); }

}  // namespace lab::agent
