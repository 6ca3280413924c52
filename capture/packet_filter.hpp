#pragma once
// A pcap filter expression ("tcp[tcpflags] & tcp-rst != 0"), compiled by libpcap's pcap_compile for a link
// type, as tcpdump compiles it: the same language, the same error messages. Holds the compiled BPF program.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>

#include "capture/pcapng_blocks.hpp"
#include "capture/pcapng_frame.hpp"

namespace lab::capture {

class PacketFilter {
public:
    // pcap_compile's time and memory grow faster than the expression (its code generator starts over once
    // per jump too long to encode, its optimizer's data-flow sets grow with the square of the blocks):
    // 1500 OR-ed terms took 13 s and 2 GB, and compiling them unoptimized still took 27 s. A longer
    // expression is refused before libpcap sees it; at this length the costliest one found
    // (`port N&&l1||...`) compiles in about 0.6 s and 14 MB, and the catalogue's longest is 83 bytes.
    static constexpr std::size_t kExpressionBytes = 1024;

    // The compiled filter, or pcap's message ("syntax error", "unknown host 'x'"...), or why it is too long.
    // Names in an expression are resolved as tcpdump would resolve them, so a scenario should write
    // addresses, not host names.
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
