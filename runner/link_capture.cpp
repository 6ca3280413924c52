#include "runner/link_capture.hpp"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "capture/pcapng_blocks.hpp"
#include "common/errno_name.hpp"
#include "sys/kernel_error.hpp"

namespace lab::runner {
namespace {

// Large enough that a burst of a hundred handshakes waits in the socket while the thread writes; what
// still overflows is counted (PACKET_STATISTICS) and recorded as dropped.
constexpr int kSocketBuffer = 8 << 20;

std::int64_t realtime_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// Bound to one interface from its namespace. The socket is created for no protocol and bound with
// ETH_P_ALL, so it never sees a frame of another interface between socket() and bind().
sys::UniqueFd open_packet_socket(const Netns& ns, const std::string& interface) {
    return run_in_netns(ns, [&] {
        sys::UniqueFd fd(::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
        const std::string what = fmt::format("packet socket on {} in {}", interface, ns.name());
        if (!fd) throw sys::KernelError("socket(AF_PACKET) for " + what, errno);
        const unsigned index = ::if_nametoindex(interface.c_str());
        if (index == 0) throw sys::KernelError("if_nametoindex for " + what, errno);
        int on = 1;
        if (::setsockopt(fd.get(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) != 0)
            throw sys::KernelError("SO_TIMESTAMPNS on " + what, errno);
        int size = kSocketBuffer;
        if (::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) != 0)
            ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);  // without CAP_NET_ADMIN: what is allowed
        sockaddr_ll addr{};
        addr.sll_family = AF_PACKET;
        addr.sll_protocol = htons(ETH_P_ALL);
        addr.sll_ifindex = static_cast<int>(index);
        if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0)
            throw sys::KernelError("bind " + what, errno);
        return fd;
    });
}

}  // namespace

LinkCapture::LinkCapture(const Netns& ns, const CaptureTarget& target, const CaptureSpec& spec,
                         const sys::Directory& directory) {
    result_.link = target.link;
    result_.host = target.host;
    result_.netns = ns.name();
    result_.interface = target.interface;
    result_.file = target.file;
    result_.path = (directory.path() / target.file_name).string();
    result_.snaplen = spec.snaplen;
    result_.max_bytes = spec.max_bytes;
    result_.timeline_zero_unix_ns = target.timeline_zero_unix_ns;
    recording_.store(spec.from_start);
    socket_ = open_packet_socket(ns, target.interface);
    stop_event_ = sys::UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (!stop_event_) throw sys::KernelError("eventfd for the capture of " + target.interface, errno);
    file_ = directory.create_file(target.file_name, 0644);
    buffer_.resize(spec.snaplen);
    write(capture::section_header_block());
    write(capture::interface_description_block(
        {target.interface, fmt::format("host {} ({}), link {}", target.host, ns.name(), target.link),
         capture::kLinktypeEthernet, spec.snaplen}));
    thread_ = std::thread([this] { read_frames(); });
}

LinkCapture::~LinkCapture() { finish(); }

void LinkCapture::finish() noexcept {
    if (!thread_.joinable()) return;
    const std::uint64_t one = 1;
    if (::write(stop_event_.get(), &one, sizeof one) != sizeof one) {
        // An eventfd write fails only on overflow, which one write cannot cause; the poll timeout still ends the thread.
    }
    thread_.join();
    tpacket_stats stats{};
    socklen_t length = sizeof stats;
    if (::getsockopt(socket_.get(), SOL_PACKET, PACKET_STATISTICS, &stats, &length) == 0) {
        result_.dropped = stats.tp_drops;
        if (!failed_) write(capture::interface_statistics_block(realtime_ns(), stats.tp_packets, stats.tp_drops));
    }
    socket_.close_now();
    if (const int err = file_.close_now(); err != 0 && result_.problem.empty())
        result_.problem = fmt::format("close {}: {}", result_.path, errno_name(err));
}

void LinkCapture::read_frames() {
    pollfd fds[2] = {{socket_.get(), POLLIN, 0}, {stop_event_.get(), POLLIN, 0}};
    for (;;) {
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            result_.problem = fmt::format("poll on the capture of {}: {}", result_.interface, errno_name(errno));
            return;
        }
        if (fds[0].revents & POLLIN) read_one(false);
        if (fds[1].revents & POLLIN) {
            // Stopping: whatever the kernel queued before now is still part of the run.
            while (read_one(false)) {
            }
            return;
        }
    }
}

bool LinkCapture::read_one(bool wait) {
    sockaddr_ll from{};
    iovec iov{buffer_.data(), buffer_.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    // MSG_TRUNC: a packet socket then returns the frame's whole length, not what fitted in the buffer.
    const ssize_t length = ::recvmsg(socket_.get(), &msg, MSG_TRUNC | (wait ? 0 : MSG_DONTWAIT));
    if (length < 0) return false;
    if (!recording_.load()) return true;
    capture::PcapngFrame frame;
    frame.unix_ns = realtime_ns();
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            timespec ts{};
            std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
            frame.unix_ns = std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
        }
    frame.original_length = static_cast<std::uint32_t>(length);
    frame.direction = from.sll_pkttype == PACKET_OUTGOING ? capture::FrameDirection::Outbound
                                                          : capture::FrameDirection::Inbound;
    frame.data.assign(buffer_.data(), std::min<std::size_t>(static_cast<std::size_t>(length), buffer_.size()));
    const std::string block = capture::enhanced_packet_block(frame);
    if (failed_ || file_bytes_ + block.size() > result_.max_bytes) {
        ++result_.not_written;
        return true;
    }
    write(block);
    if (!failed_) {
        ++result_.packets;
        result_.bytes += frame.original_length;
    }
    return true;
}

void LinkCapture::write(const std::string& bytes) {
    if (failed_) return;
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(file_.get(), bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            failed_ = true;
            result_.problem = fmt::format("write {}: {}", result_.path, errno_name(n < 0 ? errno : ENOSPC));
            return;
        }
        done += static_cast<std::size_t>(n);
    }
    file_bytes_ += bytes.size();
}

}  // namespace lab::runner
