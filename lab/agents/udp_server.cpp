#include "lab/agents/udp_server.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <limits>
#include <vector>

#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "sys/epoll.hpp"
#include "lab/agents/event_loop_constants.hpp"
#include "lab/agents/file_limit.hpp"
#include "sys/monotonic_clock.hpp"
#include "lab/agents/tcp_server.hpp"
#include "sys/termination_signals.hpp"
#include "sys/unique_fd.hpp"

namespace lab::agent {
namespace {

using json = nlohmann::ordered_json;

// Without a cost, a ready socket is drained this many datagrams at a time before the others get
// their turn; with a cost, one at a time, so a slow receiver still shares itself fairly.
constexpr int max_reads_per_wake = 64;

struct GroupSocket {
    sys::UniqueFd fd;
    std::string local;
    std::uint64_t datagrams = 0;
    std::uint64_t bytes = 0;
    std::uint64_t interval_datagrams = 0;
    std::uint64_t interval_bytes = 0;
    // The kernel's count of datagrams this socket dropped because its receive queue was full:
    // SO_RXQ_OVFL delivers it with each datagram, SO_MEMINFO is read at each report (which also
    // counts the drops after the last datagram read).
    std::uint32_t drops = 0;
    std::uint32_t reported_drops = 0;  // drops as of the previous report
};

class UdpServer {
public:
    UdpServer(const ServerOptions& options, EventLog& log) : options_(options), log_(log) {}
    int run();

private:
    bool open_sockets();
    bool receive(std::size_t index);  // false when the socket has nothing more now
    void report(std::int64_t since_ns, std::int64_t now_ns);

    const ServerOptions& options_;
    EventLog& log_;
    sys::Epoll epoll_;
    std::vector<GroupSocket> sockets_;
    std::array<char, 65536> inbox_{};
};

int UdpServer::run() {
    const std::int64_t run_start = sys::monotonic_ns();
    const std::int64_t deadline = run_start + options_.deadline.count();
    sys::TerminationSignals signals;
    epoll_.add(signals.fd(), EPOLLIN, signal_key);
    if (!open_sockets()) return exit_listen_failed;

    std::int64_t interval_start = sys::monotonic_ns();
    std::int64_t next_report = interval_start + options_.report_every.count();
    std::string stop = "deadline";
    std::array<epoll_event, 1024> ready{};
    const int reads_per_wake = options_.cost.length > Duration::zero() ? 1 : max_reads_per_wake;
    bool stop_requested = false;
    while (!stop_requested) {
        std::int64_t now = sys::monotonic_ns();
        if (now >= next_report) {
            report(interval_start, now);
            interval_start = now;
            next_report = now + options_.report_every.count();
        }
        if (now >= deadline) break;
        int n = epoll_.wait(ready, std::max<std::int64_t>(0, std::min(deadline, next_report) - now));
        for (int k = 0; k < n && !stop_requested; ++k) {
            std::uint64_t key = ready[k].data.u64;
            if (key == signal_key) {
                if (signals.take() != 0) stop_requested = true;
                continue;
            }
            for (int r = 0; r < reads_per_wake && receive(key); ++r) {
            }
            // A cost can make one pass longer than the report interval or the deadline.
            if (sys::monotonic_ns() >= deadline) break;
        }
        if (stop_requested) stop = "signal";
    }
    report(interval_start, sys::monotonic_ns());

    Event summary;
    summary.op = "summary";
    summary.start_ns = run_start;
    std::uint64_t datagrams = 0, bytes = 0, drops = 0;
    json per_socket = json::array();
    for (std::size_t i = 0; i < sockets_.size(); ++i) {
        const auto& s = sockets_[i];
        datagrams += s.datagrams;
        bytes += s.bytes;
        drops += s.drops;
        per_socket.push_back(json{{"socket", i}, {"local", s.local}, {"datagrams", s.datagrams}, {"bytes", s.bytes}, {"drops", s.drops}});
    }
    summary.bytes = bytes;
    summary.end_ns = sys::monotonic_ns();
    summary.extra["stop"] = stop;
    summary.extra["datagrams"] = datagrams;
    summary.extra["drops"] = drops;
    summary.extra["cost"] = options_.cost.text();
    summary.extra["sockets"] = std::move(per_socket);
    log_.write_summary(std::move(summary));
    return 0;
}

bool UdpServer::open_sockets() {
    for (int i = 0; i < options_.sockets; ++i) {
        Event event;
        event.conn = i;
        event.op = "bind";
        event.arg = options_.listen.text();
        event.start_ns = sys::monotonic_ns();
        auto fail = [&](const char* step) {
            event.fail_at(step, errno);
            log_.write(event);
            return false;
        };
        sys::UniqueFd fd(::socket(options_.listen.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!fd) return fail("socket");
        int one = 1;
        if (options_.reuseaddr && ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
            return fail("SO_REUSEADDR");
        if (options_.reuseport && ::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
            return fail("SO_REUSEPORT");
        if (::setsockopt(fd.get(), SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one) != 0) return fail("SO_RXQ_OVFL");
        if (options_.rcvbuf) {
            int size = static_cast<int>(*options_.rcvbuf);
            if (::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &size, sizeof size) != 0) return fail("SO_RCVBUF");
        }
        // Every socket after the first binds to the port the first one got, so port 0 works too.
        Endpoint address = options_.listen;
        if (i > 0 && options_.listen.port() == 0) {
            sockaddr_storage first{};
            socklen_t length = sizeof first;
            ::getsockname(sockets_[0].fd.get(), reinterpret_cast<sockaddr*>(&first), &length);
            address = options_.listen.with_port(Endpoint{first, length}.port());
        }
        if (::bind(fd.get(), address.address(), address.length) != 0) return fail("bind");
        int rcvbuf = 0;
        socklen_t length = sizeof rcvbuf;
        ::getsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, &length);
        GroupSocket& s = sockets_.emplace_back();
        s.fd = std::move(fd);
        auto local = local_name(s.fd.get());
        s.local = local.value_or("?");
        event.end_ns = sys::monotonic_ns();
        event.extra["local"] = s.local;
        event.extra["rcvbuf"] = rcvbuf;  // what the kernel granted: twice the request, within rmem_max
        event.extra["reuseport"] = options_.reuseport;
        log_.write(event);
    }
    if (options_.spread) {
        Event event;
        event.op = "reuseport_cbpf";
        event.arg = options_.spread->text();
        event.start_ns = sys::monotonic_ns();
        int modulus = options_.spread->modulus > 0 ? options_.spread->modulus : options_.sockets;
        // Attached to one socket, the program serves the whole group.
        int err = attach_reuseport_spread(sockets_[0].fd.get(), options_.spread->kind, modulus);
        event.result = err == 0 ? Result::Ok : Result::Error;
        event.error = err;
        event.end_ns = sys::monotonic_ns();
        event.extra["modulus"] = modulus;
        log_.write(event);
        if (err != 0) return false;
    }
    for (std::size_t i = 0; i < sockets_.size(); ++i) epoll_.add(sockets_[i].fd.get(), EPOLLIN, i);
    return true;
}

bool UdpServer::receive(std::size_t index) {
    GroupSocket& s = sockets_[index];
    iovec io{inbox_.data(), inbox_.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(std::uint32_t))];
    msghdr message{};
    message.msg_iov = &io;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(s.fd.get(), &message, 0);
    if (n < 0) {
        // EAGAIN is the normal end; anything else (an ICMP error queued on the socket) is
        // counted by the kernel's own counters and not worth stopping for.
        return errno == EINTR;
    }
    for (cmsghdr* c = CMSG_FIRSTHDR(&message); c; c = CMSG_NXTHDR(&message, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL)
            std::memcpy(&s.drops, CMSG_DATA(c), sizeof s.drops);
    ++s.datagrams;
    ++s.interval_datagrams;
    s.bytes += static_cast<std::uint64_t>(n);
    s.interval_bytes += static_cast<std::uint64_t>(n);
    options_.cost.spend();
    return true;
}

void UdpServer::report(std::int64_t since_ns, std::int64_t now_ns) {
    for (std::size_t i = 0; i < sockets_.size(); ++i) {
        GroupSocket& s = sockets_[i];
        std::uint32_t meminfo[SK_MEMINFO_VARS]{};
        socklen_t length = sizeof meminfo;
        if (::getsockopt(s.fd.get(), SOL_SOCKET, SO_MEMINFO, meminfo, &length) == 0 &&
            length > SK_MEMINFO_DROPS * sizeof meminfo[0])
            s.drops = std::max(s.drops, meminfo[SK_MEMINFO_DROPS]);
        Event event;
        event.conn = static_cast<int>(i);
        event.op = "udp_recv";
        event.bytes = s.interval_bytes;
        event.start_ns = since_ns;
        event.end_ns = now_ns;
        event.extra["local"] = s.local;
        // Per interval like the bytes, so that summing a socket's reports gives its totals.
        event.extra["datagrams"] = s.interval_datagrams;
        event.extra["drops"] = s.drops - s.reported_drops;
        event.extra["total"] = s.datagrams;
        event.extra["total_drops"] = s.drops;
        log_.write(event);
        s.interval_datagrams = 0;
        s.interval_bytes = 0;
        s.reported_drops = s.drops;
    }
}

}  // namespace

int run_udp_server(const ServerOptions& options, EventLog& log) {
    if (options.nofile) set_file_limit(*options.nofile);
    UdpServer server(options, log);
    return server.run();
}

}  // namespace lab::agent
