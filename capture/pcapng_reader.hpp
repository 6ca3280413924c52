#pragma once
// Reads a pcapng file back: the interfaces it describes and every Enhanced Packet in it. Written for the
// files lab writes (one section, host byte order), and strict about them: a truncated or inconsistent
// block is an error naming its offset, never a silently shorter capture. Blocks it does not need
// (statistics, name resolution, custom) are skipped.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "capture/pcapng_blocks.hpp"
#include "capture/pcapng_frame.hpp"

namespace lab::capture {

struct PcapngContents {
    std::vector<PcapngInterface> interfaces;
    std::vector<PcapngFrame> frames;  // in file order
    std::vector<std::uint32_t> frame_interfaces;  // interface index of each frame
};

// Throws std::runtime_error("<name>: ... at byte N") on a malformed file.
PcapngContents read_pcapng(std::string_view bytes, std::string_view name);

}  // namespace lab::capture
