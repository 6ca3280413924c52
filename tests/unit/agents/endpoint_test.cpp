#include "lab/agents/endpoint.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

using lab::agent::Endpoint;

namespace {

Endpoint endpoint_ok(std::string_view text) {
    auto parsed = lab::agent::parse_endpoint(text);
    EXPECT_FALSE(lab::failed(parsed)) << text;
    return lab::failed(parsed) ? Endpoint{} : std::get<Endpoint>(parsed);
}

std::string endpoint_error(std::string_view text) {
    auto parsed = lab::agent::parse_endpoint(text);
    EXPECT_TRUE(lab::failed(parsed)) << text;
    return lab::failed(parsed) ? std::get<lab::ParseError>(parsed).message : "";
}

TEST(Endpoint, ParsesIpv4AddressAndPort) {
    Endpoint ep = endpoint_ok("198.18.0.1:7000");
    EXPECT_EQ(ep.family(), AF_INET);
    EXPECT_EQ(ep.length, sizeof(sockaddr_in));
    EXPECT_EQ(ep.port(), 7000);
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&ep.storage);
    EXPECT_EQ(ntohl(v4->sin_addr.s_addr), 0xC6120001u);
    EXPECT_EQ(ep.text(), "198.18.0.1:7000");
}

TEST(Endpoint, ParsesBracketedIpv6) {
    Endpoint ep = endpoint_ok("[::1]:7000");
    EXPECT_EQ(ep.family(), AF_INET6);
    EXPECT_EQ(ep.length, sizeof(sockaddr_in6));
    EXPECT_EQ(ep.port(), 7000);
    EXPECT_EQ(ep.text(), "[::1]:7000");
    EXPECT_EQ(endpoint_ok("[2001:db8::7]:65535").text(), "[2001:db8::7]:65535");
}

TEST(Endpoint, PortZeroAndWildcardAreAccepted) {
    Endpoint ep = endpoint_ok("0.0.0.0:0");
    EXPECT_EQ(ep.port(), 0);
    EXPECT_EQ(ep.text(), "0.0.0.0:0");
}

TEST(Endpoint, WithPortKeepsTheAddress) {
    EXPECT_EQ(endpoint_ok("198.18.0.9:1").with_port(8080).text(), "198.18.0.9:8080");
    EXPECT_EQ(endpoint_ok("[::1]:1").with_port(9).text(), "[::1]:9");
}

TEST(Endpoint, RejectsMalformedText) {
    EXPECT_EQ(endpoint_error("198.18.0.1"), "'198.18.0.1' has no port (expected ADDR:PORT, e.g. 198.18.0.1:7000)");
    EXPECT_EQ(endpoint_error("198.18.0.1:70000"), "'198.18.0.1:70000' has a bad port '70000' (expected 0-65535)");
    EXPECT_EQ(endpoint_error("198.18.0.1:"), "'198.18.0.1:' has a bad port '' (expected 0-65535)");
    EXPECT_EQ(endpoint_error("198.18.0.1:7x"), "'198.18.0.1:7x' has a bad port '7x' (expected 0-65535)");
    EXPECT_EQ(endpoint_error("localhost:80"),
              "'localhost:80': 'localhost' is not an IPv4 or IPv6 address literal (names are not resolved)");
    EXPECT_EQ(endpoint_error("198.18.0.256:80"),
              "'198.18.0.256:80': '198.18.0.256' is not an IPv4 or IPv6 address literal (names are not resolved)");
    EXPECT_EQ(endpoint_error("::1:80"), "'::1:80': write an IPv6 address in brackets, e.g. [::1]:7000");
    EXPECT_EQ(endpoint_error("[::1]80"), "'[::1]80' is not ADDR:PORT (an IPv6 address is written [ADDR]:PORT)");
}

TEST(Endpoint, BareAddressesForBind) {
    auto v4 = lab::agent::parse_address("198.18.0.2");
    ASSERT_FALSE(lab::failed(v4));
    EXPECT_EQ(std::get<Endpoint>(v4).text(), "198.18.0.2:0");
    auto v6 = lab::agent::parse_address("[::1]");
    ASSERT_FALSE(lab::failed(v6));
    EXPECT_EQ(std::get<Endpoint>(v6).family(), AF_INET6);
    auto bad = lab::agent::parse_address("198.18.0.2:7000");
    ASSERT_TRUE(lab::failed(bad));
    EXPECT_EQ(std::get<lab::ParseError>(bad).message,
              "'198.18.0.2:7000' is not an IPv4 or IPv6 address literal (names are not resolved)");
}

}  // namespace
