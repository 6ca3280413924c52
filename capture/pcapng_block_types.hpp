#pragma once
// The pcapng block types and the byte-order magic, as the writer (pcapng_blocks) and the reader
// (pcapng_reader) must agree on them.
#include <cstdint>

namespace lab::capture::pcapng {

inline constexpr std::uint32_t kSectionHeader = 0x0A0D0D0A;
inline constexpr std::uint32_t kInterfaceDescription = 1;
inline constexpr std::uint32_t kInterfaceStatistics = 5;
inline constexpr std::uint32_t kEnhancedPacket = 6;
inline constexpr std::uint32_t kByteOrderMagic = 0x1A2B3C4D;

}  // namespace lab::capture::pcapng
