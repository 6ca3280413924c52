#pragma once
// One captured frame as a pcapng Enhanced Packet Block carries it: when, how long it was on the wire,
// the bytes kept (at most the snaplen), and which way it went through the interface.
#include <cstdint>
#include <string>

namespace lab::capture {

// pcapng's epb_flags direction bits: what the interface received, or what it sent.
enum class FrameDirection : std::uint8_t { Unknown = 0, Inbound = 1, Outbound = 2 };

struct PcapngFrame {
    std::int64_t unix_ns = 0;        // kernel receive/transmit time, CLOCK_REALTIME
    std::uint32_t original_length = 0;
    FrameDirection direction = FrameDirection::Unknown;
    std::string data;                // the first min(original_length, snaplen) bytes
};

}  // namespace lab::capture
