#include "capture/pcapng_reader.hpp"

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "capture/pcapng_block_types.hpp"

namespace lab::capture {
namespace {

using namespace pcapng;

template <class T>
T get(std::string_view bytes, std::size_t at) {
    T value;
    std::memcpy(&value, bytes.data() + at, sizeof(T));
    return value;
}

class Parser {
public:
    Parser(std::string_view bytes, std::string_view name) : bytes_(bytes), name_(name) {}

    PcapngContents parse() {
        std::size_t at = 0;
        bool section_seen = false;
        while (at < bytes_.size()) {
            if (bytes_.size() - at < 12) fail("a block shorter than 12 bytes", at);
            const auto type = get<std::uint32_t>(bytes_, at);
            if (type == kSectionHeader) {
                if (bytes_.size() - at < 28) fail("a truncated section header", at);
                if (get<std::uint32_t>(bytes_, at + 8) != kByteOrderMagic)
                    fail("a section in the other byte order (lab reads the files it writes)", at);
                section_seen = true;
            } else if (!section_seen) {
                fail("no section header before the first block", at);
            }
            const auto length = get<std::uint32_t>(bytes_, at + 4);
            if (length < 12 || length % 4 != 0 || length > bytes_.size() - at)
                fail(fmt::format("a block length of {} bytes", length), at);
            if (get<std::uint32_t>(bytes_, at + length - 4) != length)
                fail("a block whose trailing length differs from its leading one", at);
            const std::string_view body = bytes_.substr(at + 8, length - 12);
            if (type == kInterfaceDescription) interface(body, at);
            else if (type == kEnhancedPacket) packet(body, at);
            at += length;
        }
        if (!section_seen) fail("no section header", 0);
        return std::move(out_);
    }

private:
    [[noreturn]] void fail(const std::string& what, std::size_t at) const {
        throw std::runtime_error(fmt::format("{}: not a pcapng file lab can read: {} at byte {}", name_, what, at));
    }

    struct Option {
        std::uint16_t code;
        std::string_view value;
    };

    std::vector<Option> options(std::string_view area, std::size_t block_at) const {
        std::vector<Option> out;
        std::size_t at = 0;
        while (at + 4 <= area.size()) {
            const auto code = get<std::uint16_t>(area, at);
            const auto length = get<std::uint16_t>(area, at + 2);
            if (code == 0) break;
            if (length > area.size() - at - 4) fail(fmt::format("option {} longer than its block", code), block_at);
            out.push_back({code, area.substr(at + 4, length)});
            at += 4 + ((length + 3U) & ~3U);
        }
        return out;
    }

    void interface(std::string_view body, std::size_t at) {
        if (body.size() < 8) fail("a truncated interface description", at);
        PcapngInterface i;
        i.linktype = get<std::uint16_t>(body, 0);
        i.snaplen = get<std::uint32_t>(body, 4);
        std::int64_t ns_per_tick = 1000;  // pcapng's default resolution: microseconds
        for (const Option& o : options(body.substr(8), at)) {
            if (o.code == 2) i.name = std::string(o.value);
            else if (o.code == 3) i.description = std::string(o.value);
            else if (o.code == 9 && o.value.size() == 1) {
                const auto resolution = static_cast<std::uint8_t>(o.value[0]);
                if (resolution & 0x80 || resolution > 9) fail("a timestamp resolution other than 10^-0..10^-9", at);
                ns_per_tick = 1;
                for (int k = resolution; k < 9; ++k) ns_per_tick *= 10;
            }
        }
        ns_per_tick_.push_back(ns_per_tick);
        out_.interfaces.push_back(std::move(i));
    }

    void packet(std::string_view body, std::size_t at) {
        if (body.size() < 20) fail("a truncated enhanced packet", at);
        const auto interface = get<std::uint32_t>(body, 0);
        if (interface >= out_.interfaces.size()) fail(fmt::format("a packet of undescribed interface {}", interface), at);
        const std::uint64_t ticks = (std::uint64_t{get<std::uint32_t>(body, 4)} << 32) | get<std::uint32_t>(body, 8);
        const auto captured = get<std::uint32_t>(body, 12);
        PcapngFrame f;
        f.original_length = get<std::uint32_t>(body, 16);
        if (captured > body.size() - 20) fail("a packet longer than its block", at);
        f.data = std::string(body.substr(20, captured));
        f.unix_ns = static_cast<std::int64_t>(ticks) * ns_per_tick_[interface];
        const std::size_t options_at = 20 + ((captured + 3U) & ~3U);
        if (options_at < body.size())
            for (const Option& o : options(body.substr(options_at), at))
                if (o.code == 2 && o.value.size() == 4)
                    f.direction = static_cast<FrameDirection>(get<std::uint32_t>(o.value, 0) & 3U);
        out_.frames.push_back(std::move(f));
        out_.frame_interfaces.push_back(interface);
    }

    std::string_view bytes_;
    std::string_view name_;
    PcapngContents out_;
    std::vector<std::int64_t> ns_per_tick_;
};

}  // namespace

PcapngContents read_pcapng(std::string_view bytes, std::string_view name) { return Parser(bytes, name).parse(); }

}  // namespace lab::capture
