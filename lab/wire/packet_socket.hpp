#pragma once
// One end of the wire: an AF_PACKET socket bound to one interface that sees every frame the peer
// sends (ETH_P_ALL), not its own transmissions (PACKET_IGNORE_OUTGOING), and sends straight to the
// driver (PACKET_QDISC_BYPASS: the wire is the only queue; a qdisc here would add its own).
//
// GSO decision: PACKET_VNET_HDR on both ends. veth hands over TCP super-frames of up to 64 KB;
// with the vnet header they cross as one frame (one recv, one send, checksum still offloaded),
// which is what makes >1 Gbit/s through a 20 ms link possible from one thread. The alternative,
// turning TSO/GSO off on the hosts' ends, means 45x the frames and caps TCP near the wire's pps
// limit (bench/wire/RESULTS.md has both measured). It would also change the hosts' configuration,
// which belongs to the scenario, not to the wire.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <sys/socket.h>
#include <sys/uio.h>

#include "sys/unique_fd.hpp"

namespace lab::wire {

class PacketSocket {
public:
    // Throws std::system_error naming the interface and the failing call.
    explicit PacketSocket(const std::string& ifname);

    int fd() const { return fd_.get(); }
    const std::string& ifname() const { return ifname_; }
    int ifindex() const { return ifindex_; }

    // Receives up to slots.size() frames without blocking into the given buffers; sets each
    // received slot's size and returns how many. Truncated frames (larger than the buffer) are
    // counted in `truncated` and not returned. Errors other than "nothing to read" throw.
    struct Slot {
        std::vector<std::uint8_t> buffer;
        std::size_t size = 0;
    };
    std::size_t receive(std::span<Slot> slots, std::uint64_t& truncated);

    // Sends one frame (vnet header first). Returns 0 or the errno: a down interface (ENETDOWN,
    // ENXIO) or a full device queue loses this frame, not the wire.
    int send(std::span<const std::uint8_t> frame);

    // Sends frames with as few sendmmsg calls as the kernel allows; results[i] is 0 or the errno
    // of frames[i] (a failed frame is retried alone to learn its errno, then skipped).
    void send_batch(std::span<const std::span<const std::uint8_t>> frames, std::span<int> results);

    // Reads and clears a pending socket error (the kernel reports ENETDOWN once when the
    // interface goes down); returns it.
    int take_error();

private:
    sys::UniqueFd fd_;
    std::string ifname_;
    int ifindex_ = 0;
    std::vector<mmsghdr> headers_;
    std::vector<iovec> iovecs_;
    std::vector<mmsghdr> send_headers_;
    std::vector<iovec> send_iovecs_;
};

}  // namespace lab::wire
