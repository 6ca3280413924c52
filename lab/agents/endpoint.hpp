#pragma once
// Socket addresses as written on agent command lines: "198.18.0.1:7000", "[::1]:7000", or a bare
// address for --bind. Literals only: the lab never resolves names, so a typo cannot reach a DNS server.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <sys/socket.h>

#include "common/units.hpp"

namespace lab::agent {

struct Endpoint {
    sockaddr_storage storage{};
    socklen_t length = 0;

    int family() const { return storage.ss_family; }
    std::uint16_t port() const;
    const sockaddr* address() const { return reinterpret_cast<const sockaddr*>(&storage); }
    std::string text() const;  // the canonical spelling, e.g. "[::1]:7000"
    Endpoint with_port(std::uint16_t port) const;
};

// "ADDR:PORT" with an IPv4 literal, or "[IPV6]:PORT". Port 0 is accepted; callers that need a real
// port say so themselves (a server may ask the kernel for any port).
Parsed<Endpoint> parse_endpoint(std::string_view text);

// A bare IPv4 or IPv6 literal (brackets optional for IPv6); the port is 0.
Parsed<Endpoint> parse_address(std::string_view text);

std::string endpoint_text(const sockaddr* address, socklen_t length);

// getsockname/getpeername spelled as text; nullopt when the kernel has no name to give
// (e.g. the peer of a socket whose connect failed).
std::optional<std::string> local_name(int fd);
std::optional<std::string> peer_name(int fd);

}  // namespace lab::agent
