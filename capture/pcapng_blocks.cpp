#include "capture/pcapng_blocks.hpp"

#include <cstring>

#include "capture/pcapng_block_types.hpp"

namespace lab::capture {
namespace {

using namespace pcapng;

constexpr std::uint16_t kOptEnd = 0;
constexpr std::uint16_t kOptIfName = 2;
constexpr std::uint16_t kOptIfDescription = 3;
constexpr std::uint16_t kOptIfTsresol = 9;
constexpr std::uint16_t kOptEpbFlags = 2;
constexpr std::uint16_t kOptIsbIfRecv = 4;
constexpr std::uint16_t kOptIsbIfDrop = 5;

template <class T>
void put(std::string& out, T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.append(bytes, sizeof(T));
}

void pad_to_32_bits(std::string& out) { out.append((4 - out.size() % 4) % 4, '\0'); }

void put_option(std::string& out, std::uint16_t code, std::string_view value) {
    put(out, code);
    put(out, static_cast<std::uint16_t>(value.size()));
    out.append(value);
    pad_to_32_bits(out);
}

template <class T>
void put_option_value(std::string& out, std::uint16_t code, T value) {
    std::string bytes;
    put(bytes, value);
    put_option(out, code, bytes);
}

void put_end_of_options(std::string& out) {
    put(out, kOptEnd);
    put(out, std::uint16_t{0});
}

// type, total length, body (already padded), total length again.
std::string block(std::uint32_t type, const std::string& body) {
    std::string out;
    const auto total = static_cast<std::uint32_t>(body.size() + 12);
    put(out, type);
    put(out, total);
    out += body;
    put(out, total);
    return out;
}

void put_timestamp(std::string& out, std::int64_t unix_ns) {
    const auto ts = static_cast<std::uint64_t>(unix_ns);
    put(out, static_cast<std::uint32_t>(ts >> 32));
    put(out, static_cast<std::uint32_t>(ts & 0xffffffffU));
}

}  // namespace

std::string section_header_block() {
    std::string body;
    put(body, kByteOrderMagic);
    put(body, std::uint16_t{1});  // major
    put(body, std::uint16_t{0});  // minor
    put(body, std::int64_t{-1});  // section length: not given
    return block(kSectionHeader, body);
}

std::string interface_description_block(const PcapngInterface& interface) {
    std::string body;
    put(body, interface.linktype);
    put(body, std::uint16_t{0});
    put(body, interface.snaplen);
    put_option(body, kOptIfName, interface.name);
    if (!interface.description.empty()) put_option(body, kOptIfDescription, interface.description);
    put_option_value(body, kOptIfTsresol, std::uint8_t{9});  // 10^-9 s: the kernel's nanoseconds, kept
    put_end_of_options(body);
    return block(kInterfaceDescription, body);
}

std::string enhanced_packet_block(const PcapngFrame& frame) {
    std::string body;
    put(body, std::uint32_t{0});
    put_timestamp(body, frame.unix_ns);
    put(body, static_cast<std::uint32_t>(frame.data.size()));
    put(body, frame.original_length);
    body += frame.data;
    pad_to_32_bits(body);
    if (frame.direction != FrameDirection::Unknown)
        put_option_value(body, kOptEpbFlags, static_cast<std::uint32_t>(frame.direction));
    put_end_of_options(body);
    return block(kEnhancedPacket, body);
}

std::string interface_statistics_block(std::int64_t unix_ns, std::uint64_t received, std::uint64_t dropped) {
    std::string body;
    put(body, std::uint32_t{0});
    put_timestamp(body, unix_ns);
    put_option_value(body, kOptIsbIfRecv, received);
    put_option_value(body, kOptIsbIfDrop, dropped);
    put_end_of_options(body);
    return block(kInterfaceStatistics, body);
}

}  // namespace lab::capture
