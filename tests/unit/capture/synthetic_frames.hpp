#pragma once
// Ethernet + IPv4 + TCP frames built by hand, for tests that filter and count without a kernel.
#include <cstdint>
#include <string>

namespace lab::capture::synthetic {

inline constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;

// A 54-byte frame (no TCP options, no payload); checksums are left zero: filters do not look at them.
inline std::string tcp_frame(std::uint32_t src, std::uint32_t dst, std::uint16_t sport, std::uint16_t dport,
                             std::uint8_t flags) {
    std::string f(54, '\0');
    auto byte = [&](std::size_t at, unsigned v) { f[at] = static_cast<char>(v & 0xff); };
    for (int i = 0; i < 6; ++i) byte(i, 0x02), byte(6 + i, 0x04);  // locally administered MACs
    byte(12, 0x08), byte(13, 0x00);                               // IPv4
    byte(14, 0x45), byte(16, 0), byte(17, 40), byte(22, 64), byte(23, 6);
    for (int i = 0; i < 4; ++i) byte(26 + i, src >> (24 - 8 * i)), byte(30 + i, dst >> (24 - 8 * i));
    byte(34, sport >> 8), byte(35, sport), byte(36, dport >> 8), byte(37, dport);
    byte(46, 0x50), byte(47, flags);
    return f;
}

inline constexpr std::uint32_t kServer = (198u << 24) | (18u << 16) | 1;  // 198.18.0.1
inline constexpr std::uint32_t kClient = (198u << 24) | (18u << 16) | 2;  // 198.18.0.2

}  // namespace lab::capture::synthetic
