#include "analysis/packets_observation.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace lab::analysis {
namespace {

// A bound at a snapshot's time; false (with the reason) when that snapshot was not taken.
bool snapshot_time(const record::RunRecord& r, const std::string& name, std::optional<double>& t, std::string& problem) {
    if (name.empty()) return true;
    auto it = std::find_if(r.snapshots.begin(), r.snapshots.end(),
                           [&](const record::Snapshot& s) { return s.name == name; });
    if (it == r.snapshots.end()) {
        problem = fmt::format("snapshot '{}' was not taken (run outcome: {})", name, record::to_string(r.run.outcome));
        return false;
    }
    t = it->t;
    return true;
}

std::optional<std::string> read_whole_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return std::move(bytes).str();
}

}  // namespace

std::uint64_t count_matching_frames(const capture::PcapngContents& contents, const capture::PacketFilter& filter,
                                    std::int64_t timeline_zero_unix_ns, std::optional<double> from_t,
                                    std::optional<double> to_t) {
    std::uint64_t n = 0;
    for (const capture::PcapngFrame& frame : contents.frames) {
        const double t = static_cast<double>(frame.unix_ns - timeline_zero_unix_ns) / 1e9;
        if ((from_t && t < *from_t) || (to_t && t > *to_t)) continue;
        if (filter.matches(frame)) ++n;
    }
    return n;
}

Observation observe_packets(const record::RunRecord& r, const record::Selection& e) {
    const record::PacketSelector& p = e.packets;
    auto capture = std::find_if(r.captures.begin(), r.captures.end(),
                                [&](const record::CaptureFile& c) { return c.link == p.link && c.host == e.host; });
    if (capture == r.captures.end())
        return no_value(fmt::format("no capture of link '{}' at host '{}' in this run (run outcome: {})", p.link, e.host,
                                   record::to_string(r.run.outcome)));
    std::optional<double> from_t, to_t;
    std::string problem;
    if (!snapshot_time(r, p.from, from_t, problem) || !snapshot_time(r, p.to, to_t, problem)) return no_value(problem);
    auto compiled = capture::PacketFilter::compile(p.filter, capture::kLinktypeEthernet, capture->snaplen);
    if (const auto* error = std::get_if<std::string>(&compiled))
        return no_value(fmt::format("filter '{}': {}", p.filter, *error));
    const std::filesystem::path path = std::filesystem::path(r.run.directory) / capture->file;
    const auto bytes = read_whole_file(path);
    if (!bytes) return no_value(fmt::format("capture file {} cannot be read", path.string()));
    try {
        const capture::PcapngContents contents = capture::read_pcapng(*bytes, path.string());
        return Observation{static_cast<double>(count_matching_frames(contents, std::get<capture::PacketFilter>(compiled),
                                                                     capture->timeline_zero_unix_ns, from_t, to_t)),
                           {}};
    } catch (const std::runtime_error& error) {
        return no_value(error.what());
    }
}

}  // namespace lab::analysis
