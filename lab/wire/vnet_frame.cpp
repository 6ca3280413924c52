#include "lab/wire/vnet_frame.hpp"

#include <algorithm>
#include <cstring>

namespace lab::wire {
namespace {

// From <linux/virtio_net.h>, which C++ cannot include (a member there is named `class`).
constexpr std::uint8_t VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
constexpr std::uint8_t VIRTIO_NET_HDR_GSO_NONE = 0;
constexpr std::uint8_t VIRTIO_NET_HDR_GSO_TCPV4 = 1;
constexpr std::uint8_t VIRTIO_NET_HDR_GSO_TCPV6 = 4;
constexpr std::uint8_t VIRTIO_NET_HDR_GSO_ECN = 0x80;

struct virtio_net_hdr {
    std::uint8_t flags;
    std::uint8_t gso_type;
    std::uint16_t hdr_len;
    std::uint16_t gso_size;
    std::uint16_t csum_start;
    std::uint16_t csum_offset;
};

constexpr std::size_t eth_header = 14;

std::uint16_t load16le(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
std::uint16_t load16be(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }

virtio_net_hdr header_of(std::span<const std::uint8_t> frame) {
    virtio_net_hdr h{};
    if (frame.size() < vnet_header_size) return h;
    h.flags = frame[0];
    h.gso_type = frame[1];
    // The kernel writes these little-endian on a little-endian host (virtio legacy byte order).
    h.hdr_len = load16le(&frame[2]);
    h.gso_size = load16le(&frame[4]);
    h.csum_start = load16le(&frame[6]);
    h.csum_offset = load16le(&frame[8]);
    return h;
}

// Offset of the first byte past L2 and L3 headers in an Ethernet frame, or 0 when not IP.
std::size_t payload_offset(std::span<const std::uint8_t> eth) {
    if (eth.size() < eth_header) return 0;
    std::size_t l3 = eth_header;
    std::uint16_t type = load16be(&eth[12]);
    if ((type == 0x8100 || type == 0x88a8) && eth.size() >= eth_header + 4) {
        type = load16be(&eth[16]);
        l3 += 4;
    }
    if (type == 0x0800 && eth.size() > l3) return l3 + static_cast<std::size_t>(eth[l3] & 0x0f) * 4;
    if (type == 0x86dd) return l3 + 40;
    return 0;
}

std::uint32_t ones_complement_sum(const std::uint8_t* p, std::size_t n, std::uint32_t sum) {
    for (; n > 1; p += 2, n -= 2) sum += static_cast<std::uint32_t>((p[0] << 8) | p[1]);
    if (n) sum += static_cast<std::uint32_t>(p[0] << 8);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

}  // namespace

bool vnet_is_gso(std::span<const std::uint8_t> frame) {
    return header_of(frame).gso_type != VIRTIO_NET_HDR_GSO_NONE;
}

namespace {

struct GsoShape {
    std::uint32_t length = 0;    // Ethernet bytes of the frame as it is
    std::uint32_t headers = 0;   // bytes every segment repeats (Ethernet to L4 header)
    std::uint32_t segments = 1;
};

GsoShape gso_shape(std::span<const std::uint8_t> frame) {
    GsoShape shape;
    if (frame.size() < vnet_header_size) return shape;
    const auto eth = frame.subspan(vnet_header_size);
    shape.length = static_cast<std::uint32_t>(eth.size());
    const virtio_net_hdr h = header_of(frame);
    const auto kind = static_cast<std::uint8_t>(h.gso_type & ~VIRTIO_NET_HDR_GSO_ECN);
    if (kind == VIRTIO_NET_HDR_GSO_NONE || h.gso_size == 0) return shape;
    std::size_t headers = h.csum_start;
    if (kind == VIRTIO_NET_HDR_GSO_TCPV4 || kind == VIRTIO_NET_HDR_GSO_TCPV6) {
        if (eth.size() < headers + 13) return shape;
        headers += static_cast<std::size_t>(eth[headers + 12] >> 4) * 4;
    } else {
        headers += 8;  // UDP
    }
    if (headers == 0 || headers >= eth.size()) return shape;
    shape.headers = static_cast<std::uint32_t>(headers);
    const std::uint32_t payload = shape.length - shape.headers;
    shape.segments = std::max<std::uint32_t>(1, (payload + h.gso_size - 1) / h.gso_size);
    return shape;
}

}  // namespace

std::uint32_t vnet_wire_bytes(std::span<const std::uint8_t> frame) {
    const GsoShape s = gso_shape(frame);
    return s.length + (s.segments - 1) * s.headers;
}

std::uint32_t vnet_segments(std::span<const std::uint8_t> frame) { return gso_shape(frame).segments; }

bool corrupt_vnet_frame(std::span<std::uint8_t> frame, std::uint64_t pick) {
    if (frame.size() < vnet_header_size) return false;
    const virtio_net_hdr h = header_of(frame);
    if (h.gso_type != VIRTIO_NET_HDR_GSO_NONE) return false;
    auto eth = frame.subspan(vnet_header_size);
    if (eth.size() <= eth_header) return false;

    if (h.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
        const std::size_t start = h.csum_start, field = start + h.csum_offset;
        if (field + 2 <= eth.size() && start < eth.size()) {
            // The field holds the pseudo-header sum; folding the rest in gives the final checksum.
            std::uint32_t sum = ones_complement_sum(eth.data() + start, eth.size() - start, 0);
            auto check = static_cast<std::uint16_t>(~sum & 0xffff);
            if (check == 0 && h.csum_offset == 6) check = 0xffff;  // UDP: 0 means "no checksum"
            eth[field] = static_cast<std::uint8_t>(check >> 8);
            eth[field + 1] = static_cast<std::uint8_t>(check & 0xff);
        }
        frame[0] = static_cast<std::uint8_t>(frame[0] & ~VIRTIO_NET_HDR_F_NEEDS_CSUM);
    }

    std::size_t from = payload_offset(eth);
    if (from == 0 || from >= eth.size()) from = eth_header;
    const std::uint64_t bits = static_cast<std::uint64_t>(eth.size() - from) * 8;
    const std::uint64_t bit = pick % bits;
    eth[from + bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    return true;
}

}  // namespace lab::wire
