#pragma once
// A pcap filter expression ("tcp[tcpflags] & tcp-rst != 0"), compiled by libpcap's pcap_compile for a link
// type, as tcpdump compiles it: the same language, the same error messages. Holds the compiled BPF program.
#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include "capture/pcapng_blocks.hpp"
#include "capture/pcapng_frame.hpp"

namespace lab::capture {

class PacketFilter {
public:
    // The compiled filter, or pcap's message ("syntax error", "unknown host 'x'"...). Names in an expression
    // are resolved as tcpdump would resolve them, so a scenario should write addresses, not host names.
    static std::variant<PacketFilter, std::string> compile(const std::string& expression,
                                                           std::uint16_t linktype = kLinktypeEthernet,
                                                           std::uint32_t snaplen = 262144);

    PacketFilter(PacketFilter&&) noexcept;
    PacketFilter& operator=(PacketFilter&&) noexcept;
    ~PacketFilter();

    bool matches(const PcapngFrame& frame) const;
    const std::string& expression() const { return expression_; }

private:
    struct Program;
    PacketFilter(std::unique_ptr<Program> program, std::string expression);

    std::unique_ptr<Program> program_;
    std::string expression_;
};

}  // namespace lab::capture
