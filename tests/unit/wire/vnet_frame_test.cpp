#include "lab/wire/vnet_frame.hpp"

#include <cstring>
#include <vector>

#include <gtest/gtest.h>

namespace {

using namespace lab::wire;

std::uint16_t sum16(const std::vector<std::uint8_t>& b, std::size_t from, std::size_t to, std::uint32_t sum) {
    for (std::size_t i = from; i + 1 < to; i += 2) sum += static_cast<std::uint32_t>((b[i] << 8) | b[i + 1]);
    if ((to - from) % 2) sum += static_cast<std::uint32_t>(b[to - 1] << 8);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(sum);
}

// vnet header + Ethernet + IPv4 (20) + UDP (8) + payload, UDP checksum left to offload.
std::vector<std::uint8_t> udp_frame(std::size_t payload, bool offloaded) {
    std::vector<std::uint8_t> f(vnet_header_size + 14 + 20 + 8 + payload, 0);
    std::uint8_t* eth = f.data() + vnet_header_size;
    eth[12] = 0x08;
    eth[13] = 0x00;
    std::uint8_t* ip = eth + 14;
    ip[0] = 0x45;
    const auto ip_len = static_cast<std::uint16_t>(20 + 8 + payload);
    ip[2] = static_cast<std::uint8_t>(ip_len >> 8);
    ip[3] = static_cast<std::uint8_t>(ip_len);
    ip[9] = 17;
    const std::uint8_t src[] = {198, 18, 0, 1}, dst[] = {198, 18, 0, 2};
    std::memcpy(ip + 12, src, 4);
    std::memcpy(ip + 16, dst, 4);
    std::uint8_t* udp = ip + 20;
    const auto udp_len = static_cast<std::uint16_t>(8 + payload);
    udp[4] = static_cast<std::uint8_t>(udp_len >> 8);
    udp[5] = static_cast<std::uint8_t>(udp_len);
    for (std::size_t i = 0; i < payload; ++i) udp[8 + i] = static_cast<std::uint8_t>(i * 7);
    // Pseudo-header sum, as the sender's stack leaves it for the offload.
    std::uint32_t pseudo = (198 << 8 | 18) + 1 + (198 << 8 | 18) + 2 + 17 + udp_len;
    while (pseudo >> 16) pseudo = (pseudo & 0xffff) + (pseudo >> 16);
    if (offloaded) {
        f[0] = 1;  // NEEDS_CSUM
        f[6] = 14 + 20;  // csum_start, little-endian
        f[8] = 6;        // csum_offset
        udp[6] = static_cast<std::uint8_t>(pseudo >> 8);
        udp[7] = static_cast<std::uint8_t>(pseudo);
    }
    return f;
}

// True if the UDP checksum in the frame verifies (sum over pseudo-header and datagram is 0xffff).
bool udp_checksum_ok(const std::vector<std::uint8_t>& f) {
    const std::size_t udp = vnet_header_size + 14 + 20;
    const std::uint16_t len = static_cast<std::uint16_t>((f[udp + 4] << 8) | f[udp + 5]);
    std::uint32_t pseudo = (198 << 8 | 18) + 1 + (198 << 8 | 18) + 2 + 17 + len;
    return sum16(f, udp, f.size(), pseudo) == 0xffff;
}

TEST(VnetFrame, WireBytesOfAPlainFrameIsItsEthernetLength) {
    auto f = udp_frame(100, false);
    EXPECT_EQ(vnet_wire_bytes(f), f.size() - vnet_header_size);
    EXPECT_EQ(vnet_segments(f), 1u);
    EXPECT_FALSE(vnet_is_gso(f));
}

TEST(VnetFrame, WireBytesOfAGsoFrameCountsRepeatedHeaders) {
    // TCPv4 super-frame: 14 + 20 + 32 bytes of headers, 10 segments of 1448 bytes.
    const std::size_t headers = 14 + 20 + 32, payload = 1448 * 10;
    std::vector<std::uint8_t> f(vnet_header_size + headers + payload, 0);
    f[0] = 1;
    f[1] = 1;  // GSO_TCPV4
    f[4] = static_cast<std::uint8_t>(1448 & 0xff);
    f[5] = static_cast<std::uint8_t>(1448 >> 8);
    f[6] = 34;  // csum_start: TCP header
    f[8] = 16;
    f[vnet_header_size + 34 + 12] = 8 << 4;  // data offset: 32 bytes
    EXPECT_TRUE(vnet_is_gso(f));
    EXPECT_EQ(vnet_wire_bytes(f), headers + payload + 9 * headers);
    EXPECT_EQ(vnet_segments(f), 10u);
    EXPECT_FALSE(corrupt_vnet_frame(f, 12345));
}

TEST(VnetFrame, CorruptionFlipsOneBitPastTheIpHeader) {
    auto f = udp_frame(64, false);
    auto original = f;
    ASSERT_TRUE(corrupt_vnet_frame(f, 999));
    int flipped = 0;
    std::size_t where = 0;
    for (std::size_t i = 0; i < f.size(); ++i) {
        auto x = static_cast<std::uint8_t>(f[i] ^ original[i]);
        if (x) where = i;
        flipped += __builtin_popcount(x);
    }
    EXPECT_EQ(flipped, 1);
    EXPECT_GE(where, vnet_header_size + 14 + 20);
}

TEST(VnetFrame, CorruptionCompletesAnOffloadedChecksumSoTheReceiverSeesIt) {
    auto f = udp_frame(101, true);
    auto reference = f;
    ASSERT_TRUE(corrupt_vnet_frame(reference, 0));
    // Undo the flip (bit 0 of the first byte past the IP header): the checksum must then verify.
    reference[vnet_header_size + 14 + 20] ^= 1;
    EXPECT_EQ(reference[0] & 1, 0);  // offload flag cleared
    EXPECT_TRUE(udp_checksum_ok(reference));
    // With the flip in place, it must not.
    ASSERT_TRUE(corrupt_vnet_frame(f, 8 * 20 + 3));
    EXPECT_FALSE(udp_checksum_ok(f));
}

}  // namespace
