#include "capture/packet_filter.hpp"

#include <pcap/pcap.h>

#include <mutex>

namespace lab::capture {

struct PacketFilter::Program {
    bpf_program bpf{};
    ~Program() { pcap_freecode(&bpf); }
};

namespace {

struct PcapCloser {
    void operator()(pcap_t* p) const { pcap_close(p); }
};

// libpcap documents pcap_compile as thread-safe only from 1.8 on, and its parser keeps state per handle;
// one lock makes lab's parallel runs (lab run -j) safe with any version.
std::mutex& compile_lock() {
    static std::mutex lock;
    return lock;
}

}  // namespace

std::variant<PacketFilter, std::string> PacketFilter::compile(const std::string& expression, std::uint16_t linktype,
                                                              std::uint32_t snaplen) {
    if (expression.size() > kExpressionBytes)
        return "is " + std::to_string(expression.size()) + " bytes long; at most " + std::to_string(kExpressionBytes) +
               " (libpcap's compile time and memory grow faster than the filter)";
    std::lock_guard guard(compile_lock());
    std::unique_ptr<pcap_t, PcapCloser> dead(pcap_open_dead(linktype, static_cast<int>(snaplen)));
    if (!dead) return std::string("pcap_open_dead failed");
    auto program = std::make_unique<Program>();
    if (pcap_compile(dead.get(), &program->bpf, expression.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
        return std::string(pcap_geterr(dead.get()));
    return PacketFilter(std::move(program), expression);
}

PacketFilter::PacketFilter(std::unique_ptr<Program> program, std::string expression)
    : program_(std::move(program)), expression_(std::move(expression)) {}
PacketFilter::PacketFilter(PacketFilter&&) noexcept = default;
PacketFilter& PacketFilter::operator=(PacketFilter&&) noexcept = default;
PacketFilter::~PacketFilter() = default;

bool PacketFilter::matches(const PcapngFrame& frame) const {
    pcap_pkthdr header{};
    header.ts.tv_sec = static_cast<time_t>(frame.unix_ns / 1'000'000'000);
    header.ts.tv_usec = static_cast<suseconds_t>(frame.unix_ns % 1'000'000'000 / 1000);
    header.caplen = static_cast<bpf_u_int32>(frame.data.size());
    header.len = frame.original_length;
    return pcap_offline_filter(&program_->bpf, &header, reinterpret_cast<const u_char*>(frame.data.data())) != 0;
}

}  // namespace lab::capture
