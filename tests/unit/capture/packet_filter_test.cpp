#include "capture/packet_filter.hpp"

#include <gtest/gtest.h>

#include "synthetic_frames.hpp"

namespace {

using namespace lab::capture;
using namespace lab::capture::synthetic;

PacketFilter compiled(const std::string& expression) {
    auto f = PacketFilter::compile(expression);
    if (auto* error = std::get_if<std::string>(&f)) throw std::runtime_error(*error);
    return std::move(std::get<PacketFilter>(f));
}

PcapngFrame frame(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport, std::uint8_t flags) {
    return PcapngFrame{0, 54, FrameDirection::Unknown, tcp_frame(src, dst, sport, dport, flags)};
}

TEST(PacketFilter, MatchesTcpFlagsAsTcpdumpDoes) {
    const PacketFilter synack = compiled("tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)");
    EXPECT_TRUE(synack.matches(frame(kServer, kClient, 9999, 40000, kSyn | kAck)));
    EXPECT_FALSE(synack.matches(frame(kClient, kServer, 40000, 9999, kSyn)));
    EXPECT_FALSE(synack.matches(frame(kClient, kServer, 40000, 9999, kAck)));
    EXPECT_EQ(synack.expression(), "tcp[tcpflags] & (tcp-syn|tcp-ack) == (tcp-syn|tcp-ack)");
}

TEST(PacketFilter, MatchesAddressesAndPorts) {
    const PacketFilter f = compiled("src host 198.18.0.1 and src port 9999 and tcp[tcpflags] & tcp-rst != 0");
    EXPECT_TRUE(f.matches(frame(kServer, kClient, 9999, 40000, kRst)));
    EXPECT_FALSE(f.matches(frame(kClient, kServer, 40000, 9999, kRst)));
    EXPECT_FALSE(f.matches(frame(kServer, kClient, 9999, 40000, kAck)));
}

TEST(PacketFilter, ReportsPcapsSyntaxError) {
    auto f = PacketFilter::compile("tcp[tcpflags] &&& tcp-syn");
    ASSERT_TRUE(std::holds_alternative<std::string>(f));
    EXPECT_EQ(std::get<std::string>(f), "can't parse filter expression: syntax error");
}

TEST(PacketFilter, ReportsAnUnknownProtocolByName) {
    auto f = PacketFilter::compile("proto bogus");
    ASSERT_TRUE(std::holds_alternative<std::string>(f));
    EXPECT_NE(std::get<std::string>(f).find("bogus"), std::string::npos) << std::get<std::string>(f);
}

// libpcap's compile time and memory grow faster than the expression: 1500 OR-ed terms took 13 s and 2 GB,
// 3000 more than a minute. An expression longer than the bound is refused before libpcap sees it.
std::string ored_ports(int count) {
    std::string out;
    for (int port = 1000; port < 1000 + count; ++port) out += (out.empty() ? "" : " or ") + ("port " + std::to_string(port));
    return out;
}

TEST(PacketFilter, RefusesThreeThousandOredTermsBeforeCompilingThem) {
    auto f = PacketFilter::compile(ored_ports(3000));
    ASSERT_TRUE(std::holds_alternative<std::string>(f));
    EXPECT_EQ(std::get<std::string>(f),
              "is 38996 bytes long; at most 1024 (libpcap's compile time and memory grow faster than the filter)");
}

TEST(PacketFilter, CompilesAnyExpressionUpToTheBound) {
    std::string longest = ored_ports(78);  // 1010 bytes
    longest += std::string(PacketFilter::kExpressionBytes - longest.size(), ' ');
    ASSERT_EQ(longest.size(), PacketFilter::kExpressionBytes);
    const PacketFilter f = compiled(longest);
    EXPECT_TRUE(f.matches(frame(kServer, kClient, 1077, 40000, kAck)));
    EXPECT_FALSE(f.matches(frame(kServer, kClient, 1078, 40000, kAck)));
    EXPECT_TRUE(std::holds_alternative<std::string>(PacketFilter::compile(longest + " ")));
}

TEST(PacketFilter, EmptyExpressionMatchesEverything) {
    const PacketFilter all = compiled("");
    EXPECT_TRUE(all.matches(frame(kServer, kClient, 1, 2, kFin)));
}

}  // namespace
