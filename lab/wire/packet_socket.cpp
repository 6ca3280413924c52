#include "lab/wire/packet_socket.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>

namespace lab::wire {
namespace {

[[noreturn]] void fail(const std::string& ifname, const char* what) {
    throw std::system_error(errno, std::generic_category(), ifname + ": " + what);
}

void set_int(int fd, int level, int name, int value, const std::string& ifname, const char* what) {
    if (setsockopt(fd, level, name, &value, sizeof value) != 0) fail(ifname, what);
}

}  // namespace

PacketSocket::PacketSocket(const std::string& ifname) : ifname_(ifname) {
    ifindex_ = static_cast<int>(if_nametoindex(ifname.c_str()));
    if (ifindex_ == 0) fail(ifname, "if_nametoindex");
    // Protocol 0 until bind: a socket opened with ETH_P_ALL would see every interface's frames
    // in the moment before it is bound to one.
    fd_ = sys::UniqueFd(socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd_) fail(ifname, "socket(AF_PACKET)");
    const int fd = fd_.get();
    set_int(fd, SOL_PACKET, PACKET_VNET_HDR, 1, ifname, "setsockopt(PACKET_VNET_HDR)");
    set_int(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, 1, ifname, "setsockopt(PACKET_IGNORE_OUTGOING)");
    set_int(fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1, ifname, "setsockopt(PACKET_QDISC_BYPASS)");
    // Large buffers ride out the moments the loop is busy sending a burst; FORCE needs root,
    // which the wire has anyway (packet sockets need CAP_NET_RAW).
    // 4 MB: enough for a burst of GSO super-frames, small enough that an overloaded wire drops
    // rather than queueing seconds of traffic in the kernel (latency no impairment asked for).
    const int buffer = 4 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer) != 0)
        set_int(fd, SOL_SOCKET, SO_RCVBUF, buffer, ifname, "setsockopt(SO_RCVBUF)");
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buffer, sizeof buffer) != 0)
        set_int(fd, SOL_SOCKET, SO_SNDBUF, buffer, ifname, "setsockopt(SO_SNDBUF)");

    sockaddr_ll addr{};
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = htons(ETH_P_ALL);
    addr.sll_ifindex = ifindex_;
    if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) fail(ifname, "bind");

    // A veth delivers every frame to us whatever its destination MAC, but promiscuous mode makes
    // that explicit and keeps the wire working on interfaces that do filter (macvlan, real NICs).
    packet_mreq mreq{};
    mreq.mr_ifindex = ifindex_;
    mreq.mr_type = PACKET_MR_PROMISC;
    if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof mreq) != 0)
        fail(ifname, "setsockopt(PACKET_ADD_MEMBERSHIP promisc)");
}

std::size_t PacketSocket::receive(std::span<Slot> slots, std::uint64_t& truncated) {
    headers_.resize(slots.size());
    iovecs_.resize(slots.size());
    for (std::size_t i = 0; i < slots.size(); ++i) {
        iovecs_[i] = iovec{slots[i].buffer.data(), slots[i].buffer.size()};
        headers_[i] = mmsghdr{};
        headers_[i].msg_hdr.msg_iov = &iovecs_[i];
        headers_[i].msg_hdr.msg_iovlen = 1;
    }
    int n = recvmmsg(fd_.get(), headers_.data(), static_cast<unsigned>(slots.size()), MSG_DONTWAIT | MSG_TRUNC, nullptr);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) return 0;
        if (errno == ENETDOWN || errno == ENXIO) return 0;  // reported once when the link goes down
        throw std::system_error(errno, std::generic_category(), ifname_ + ": recvmmsg");
    }
    std::size_t kept = 0;
    for (int i = 0; i < n; ++i) {
        const std::size_t len = headers_[i].msg_len;
        if ((headers_[i].msg_hdr.msg_flags & MSG_TRUNC) || len > slots[i].buffer.size()) {
            ++truncated;
            continue;
        }
        if (kept != static_cast<std::size_t>(i)) std::swap(slots[kept].buffer, slots[i].buffer);
        slots[kept++].size = len;
    }
    return kept;
}

int PacketSocket::send(std::span<const std::uint8_t> frame) {
    ssize_t n = ::send(fd_.get(), frame.data(), frame.size(), MSG_DONTWAIT);
    return n < 0 ? errno : 0;
}

void PacketSocket::send_batch(std::span<const std::span<const std::uint8_t>> frames, std::span<int> results) {
    send_headers_.resize(frames.size());
    send_iovecs_.resize(frames.size());
    for (std::size_t i = 0; i < frames.size(); ++i) {
        send_iovecs_[i] = iovec{const_cast<std::uint8_t*>(frames[i].data()), frames[i].size()};
        send_headers_[i] = mmsghdr{};
        send_headers_[i].msg_hdr.msg_iov = &send_iovecs_[i];
        send_headers_[i].msg_hdr.msg_iovlen = 1;
    }
    std::size_t done = 0;
    while (done < frames.size()) {
        int n = sendmmsg(fd_.get(), send_headers_.data() + done, static_cast<unsigned>(frames.size() - done), MSG_DONTWAIT);
        if (n > 0) {
            for (int i = 0; i < n; ++i) results[done++] = 0;
            continue;
        }
        results[done] = send(frames[done]);
        if (results[done] == 0) results[done] = n < 0 ? errno : EIO;
        ++done;
    }
}

int PacketSocket::take_error() {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(fd_.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
    return err;
}

}  // namespace lab::wire
