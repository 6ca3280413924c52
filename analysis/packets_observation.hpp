#pragma once
// The `packets` selector: how many frames of one link end's capture match a pcap filter between two
// snapshots. The record names the capture file; the frames are read from it when the record is judged,
// so `lab report` can judge a stored run again as long as its captures/ directory is beside record.json.
#include <cstdint>
#include <optional>

#include "analysis/observe.hpp"
#include "capture/packet_filter.hpp"
#include "capture/pcapng_reader.hpp"
#include "record/run_record.hpp"

namespace lab::analysis {

// Frames with from_t <= t <= to_t (t: seconds on the timeline, from the frame's real time and the
// timeline's zero) that `filter` matches. An unset bound is open.
std::uint64_t count_matching_frames(const capture::PcapngContents& contents, const capture::PacketFilter& filter,
                                    std::int64_t timeline_zero_unix_ns, std::optional<double> from_t,
                                    std::optional<double> to_t);

Observation observe_packets(const record::RunRecord& r, const record::Selection& selection);

}  // namespace lab::analysis
