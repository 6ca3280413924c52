// Why not snapshot_sockets() and a loop: a million sockets through libnl's parser are a million objects
// and address strings, most of a second of CPU; here each answer is three fields read in place. The dump
// asks the kernel to filter by state (idiag_states), so counting one state walks only what it must send.
#include "runner/socket_tally.hpp"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <arpa/inet.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>

#include "runner/sock_diag.hpp"
#include "sys/kernel_error.hpp"
#include "sys/unique_fd.hpp"

namespace lab::runner {
namespace {

constexpr unsigned kTcpEstablished = 1;
constexpr unsigned kTcpClose = 7;
constexpr unsigned kTcpListen = 10;
// The kernel fills one skb of at most 32 KiB per recvmsg() of a dump (netlink_dump); a larger buffer
// only makes sure no answer is ever cut.
constexpr std::size_t kReceiveBuffer = 64 * 1024;

// A NETLINK_SOCK_DIAG socket of the calling thread's namespace, answering one dump at a time.
class DiagSocket {
public:
    DiagSocket() : fd_(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG)) {
        if (!fd_) sys::throw_kernel_error("sock_diag: socket(NETLINK_SOCK_DIAG)", errno);
        // Room for the kernel to queue the next skb while this one is counted.
        int size = 1 << 20;
        ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }

    // Sends one dump request and hands every answer's buffer to on_buffer until NLMSG_DONE.
    template <class OnBuffer>
    void dump(int family, int protocol, std::uint32_t states, const std::string& what, OnBuffer&& on_buffer) {
        struct {
            nlmsghdr header;
            inet_diag_req_v2 request;
        } message{};
        message.header.nlmsg_len = sizeof message;
        message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
        message.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        message.header.nlmsg_seq = ++sequence_;
        message.request.sdiag_family = static_cast<std::uint8_t>(family);
        message.request.sdiag_protocol = static_cast<std::uint8_t>(protocol);
        message.request.idiag_states = states;
        sockaddr_nl kernel{};
        kernel.nl_family = AF_NETLINK;
        if (::sendto(fd_.get(), &message, sizeof message, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0)
            sys::throw_kernel_error(what + ": send", errno);
        for (;;) {
            ssize_t n = ::recv(fd_.get(), buffer_.data(), buffer_.size(), 0);
            if (n < 0) {
                if (errno == EINTR) continue;
                sys::throw_kernel_error(what + ": receive", errno);
            }
            std::size_t answers_end = 0;  // the buffer's answers, up to NLMSG_DONE or an error
            bool done = false;
            std::size_t offset = 0;
            while (offset + sizeof(nlmsghdr) <= static_cast<std::size_t>(n)) {
                nlmsghdr h;
                std::memcpy(&h, buffer_.data() + offset, sizeof h);
                if (h.nlmsg_len < sizeof(nlmsghdr) || offset + h.nlmsg_len > static_cast<std::size_t>(n))
                    sys::throw_kernel_error(what + ": truncated answer", EPROTO);
                if (h.nlmsg_type == NLMSG_DONE) {
                    done = true;
                    break;
                }
                if (h.nlmsg_type == NLMSG_ERROR) {
                    nlmsgerr error{};
                    std::memcpy(&error, buffer_.data() + offset + NLMSG_HDRLEN,
                                std::min<std::size_t>(sizeof error, h.nlmsg_len - NLMSG_HDRLEN));
                    if (-error.error == ENOENT)
                        sys::throw_kernel_error(what + ": the kernel has no diag module for it (load it)", ENOENT);
                    sys::throw_kernel_error(what + ": refused by the kernel", -error.error);
                }
                offset += NLMSG_ALIGN(h.nlmsg_len);
                answers_end = std::min<std::size_t>(offset, static_cast<std::size_t>(n));
            }
            on_buffer(std::span<const std::byte>(buffer_.data(), answers_end));
            if (done) return;
        }
    }

private:
    sys::UniqueFd fd_;
    std::uint32_t sequence_ = 0;
    std::array<std::byte, kReceiveBuffer> buffer_{};
};

const char* family_text(int family) { return family == AF_INET ? "ipv4" : "ipv6"; }

// Every answer of a buffer, whole, to on_message.
template <class OnMessage>
void each_message(std::span<const std::byte> buffer, OnMessage&& on_message) {
    std::size_t offset = 0;
    while (offset + sizeof(nlmsghdr) <= buffer.size()) {
        nlmsghdr h;
        std::memcpy(&h, buffer.data() + offset, sizeof h);
        if (h.nlmsg_len < sizeof(nlmsghdr) || offset + h.nlmsg_len > buffer.size())
            throw std::invalid_argument("sock_diag: an answer's nlmsg_len " + std::to_string(h.nlmsg_len) +
                                        " runs past its buffer");
        on_message(buffer.subspan(offset, h.nlmsg_len));
        offset += NLMSG_ALIGN(h.nlmsg_len);
    }
}

}  // namespace

std::size_t SocketCounter::add_messages(std::span<const std::byte> buffer, const std::vector<bool>& served) {
    std::size_t counted = 0;
    std::size_t offset = 0;
    while (offset + sizeof(nlmsghdr) <= buffer.size()) {
        nlmsghdr h;
        std::memcpy(&h, buffer.data() + offset, sizeof h);
        if (h.nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg)) || offset + h.nlmsg_len > buffer.size())
            throw std::invalid_argument("sock_diag: message of " + std::to_string(h.nlmsg_len) +
                                        " bytes is too short for an inet_diag_msg or runs past its buffer");
        inet_diag_msg msg;
        std::memcpy(&msg, buffer.data() + offset + NLMSG_HDRLEN, sizeof msg);
        offset += NLMSG_ALIGN(h.nlmsg_len);
        const std::uint16_t local = ntohs(msg.id.idiag_sport);
        const bool by_local = local < served.size() && served[local];
        const std::uint16_t port = by_local ? local : ntohs(msg.id.idiag_dport);
        const std::uint32_t key = (std::uint32_t{msg.idiag_state} << 17) | (std::uint32_t{by_local} << 16) | port;
        if (key != last_key_) {
            last_count_ = &rows_[key];
            last_key_ = key;
        }
        ++*last_count_;
        ++counted;
    }
    return counted;
}

void SocketCounter::append_rows(std::vector<record::SocketCount>& out) const {
    // Two kernel states share a name (SYN_RECV and NEW_SYN_RECV are both "syn-recv"): merged by name.
    std::map<std::tuple<std::string, bool, std::uint16_t>, std::uint64_t> named;
    for (const auto& [key, count] : rows_)
        named[{state_name(key >> 17), ((key >> 16) & 1) != 0, static_cast<std::uint16_t>(key & 0xffff)}] += count;
    for (const auto& [k, count] : named) {
        const auto& [state, by_local, port] = k;
        record::SocketCount row;
        row.protocol = tcp_ ? "tcp" : "udp";
        row.state = state;
        if (by_local) row.local_port = port;
        else row.remote_port = port;
        row.count = count;
        out.push_back(std::move(row));
    }
}

SocketTally tally_sockets() {
    DiagSocket diag;
    SocketTally tally;
    for (int protocol : {IPPROTO_TCP, IPPROTO_UDP}) {
        const bool tcp = protocol == IPPROTO_TCP;
        const std::string name = tcp ? "tcp" : "udp";
        // A TCP listener, or a UDP socket bound but not connected, is a served port: kept whole.
        const unsigned kept_state = tcp ? kTcpListen : kTcpClose;
        std::vector<bool> served(65536, false);
        for (int family : {AF_INET, AF_INET6})
            diag.dump(family, protocol, 1U << kept_state,
                      "sock_diag: dump " + name + "/" + family_text(family) + " " + state_name(kept_state),
                      [&](std::span<const std::byte> buffer) {
                          each_message(buffer, [&](std::span<const std::byte> message) {
                              record::SocketEntry entry = decode_sock_diag_message(name, message);
                              served[entry.local_port] = true;
                              tally.kept.push_back(std::move(entry));
                          });
                      });
        SocketCounter counter(tcp);
        const std::uint32_t others = tcp ? ~(1U << kept_state) : (1U << kTcpEstablished);
        for (int family : {AF_INET, AF_INET6})
            diag.dump(family, protocol, others, "sock_diag: dump " + name + "/" + family_text(family),
                      [&](std::span<const std::byte> buffer) { tally.total += counter.add_messages(buffer, served); });
        counter.append_rows(tally.counts);
    }
    tally.total += tally.kept.size();
    return tally;
}

std::uint64_t count_tcp_sockets(std::uint32_t state_mask) {
    DiagSocket diag;
    std::uint64_t total = 0;
    for (int family : {AF_INET, AF_INET6})
        diag.dump(family, IPPROTO_TCP, state_mask, std::string("sock_diag: count tcp/") + family_text(family),
                  [&](std::span<const std::byte> buffer) {
                      each_message(buffer, [&](std::span<const std::byte>) { ++total; });
                  });
    return total;
}

}  // namespace lab::runner
