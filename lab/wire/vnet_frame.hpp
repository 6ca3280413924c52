#pragma once
// Frames as the packet sockets carry them: a virtio_net_hdr (PACKET_VNET_HDR) in front of the
// Ethernet frame. The header is what lets a 64 KB TCP super-frame (GSO) cross the wire whole, with
// its checksum still to be filled in, instead of being cut into 45 frames on each side.
#include <cstddef>
#include <cstdint>
#include <span>

namespace lab::wire {

inline constexpr std::size_t vnet_header_size = 10;  // sizeof(struct virtio_net_hdr)

// Bytes the frame occupies on the wire once segmented: its Ethernet length plus the headers every
// further GSO segment repeats (what netem and tbf charge for a GSO skb).
std::uint32_t vnet_wire_bytes(std::span<const std::uint8_t> frame);

// How many frames it becomes on the wire: 1, or the number of GSO segments.
std::uint32_t vnet_segments(std::span<const std::uint8_t> frame);

bool vnet_is_gso(std::span<const std::uint8_t> frame);

// Flips one bit chosen by `pick` past the Ethernet and IP headers (anywhere past Ethernet if the
// frame is not IP or has nothing past its IP header). A checksum the sender left to offload is
// computed first and the offload cleared, so the receiver's checksum check sees the damage as on
// a real wire (a frame marked CHECKSUM_PARTIAL is trusted by the receiving stack without a check).
// Returns false, changing nothing, for a GSO super-frame (its segments' checksums are computed
// after us and would hide the flip) or a frame too short to have a payload.
bool corrupt_vnet_frame(std::span<std::uint8_t> frame, std::uint64_t pick);

}  // namespace lab::wire
