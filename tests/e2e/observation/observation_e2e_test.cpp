// Each test runs on a thread of its own inside a namespace made for it with unshare(CLONE_NEWNET): nothing is
// named, nothing outlives the thread and its sockets, and the traffic never leaves 127.0.0.1 of that namespace.
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "runner/net_counters.hpp"
#include "runner/sock_diag.hpp"

namespace {

using lab::runner::counter_delta;
using lab::runner::CounterMap;
using lab::runner::read_net_counters;
using lab::runner::snapshot_sockets;
using lab::runner::SocketEntry;
using namespace std::chrono_literals;

[[noreturn]] void fail(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

class Fd {
 public:
    explicit Fd(int fd, const char* made_by = "socket") : fd_(fd) {
        if (fd_ < 0) fail(made_by);
    }
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }
    void close() {
        ::close(std::exchange(fd_, -1));
    }

 private:
    int fd_;
};

void bring_lo_up() {
    Fd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ifreq request{};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(sock.get(), SIOCGIFFLAGS, &request) != 0) fail("SIOCGIFFLAGS lo");
    request.ifr_flags |= IFF_UP;
    if (::ioctl(sock.get(), SIOCSIFFLAGS, &request) != 0) fail("SIOCSIFFLAGS lo");
}

// The functions under test work on the calling thread's namespace, which is exactly how the runner calls them.
void in_fresh_netns(const std::function<void()>& body) {
    std::exception_ptr failure;
    std::thread thread([&] {
        try {
            if (::unshare(CLONE_NEWNET) != 0) fail("unshare(CLONE_NEWNET)");
            bring_lo_up();
            body();
        } catch (...) {
            failure = std::current_exception();
        }
    });
    thread.join();
    if (failure) std::rethrow_exception(failure);
}

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

Fd tcp_listener(std::uint16_t port, int backlog, int defer_accept_s = 0) {
    Fd sock(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (defer_accept_s > 0 &&
        ::setsockopt(sock.get(), IPPROTO_TCP, TCP_DEFER_ACCEPT, &defer_accept_s, sizeof(defer_accept_s)) != 0)
        fail("TCP_DEFER_ACCEPT");
    sockaddr_in addr = loopback(port);
    if (::bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) fail("bind");
    if (::listen(sock.get(), backlog) != 0) fail("listen");
    return sock;
}

Fd tcp_connect_nonblocking(std::uint16_t port) {
    Fd sock(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    sockaddr_in addr = loopback(port);
    if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 && errno != EINPROGRESS)
        fail("connect");
    return sock;
}

std::size_t count(const std::vector<SocketEntry>& sockets, const std::function<bool(const SocketEntry&)>& match) {
    return static_cast<std::size_t>(std::count_if(sockets.begin(), sockets.end(), match));
}

const SocketEntry* find_listener(const std::vector<SocketEntry>& sockets, std::uint16_t port) {
    for (const auto& s : sockets)
        if (s.protocol == "tcp" && s.state == "listen" && s.local_port == port) return &s;
    return nullptr;
}

class Observation : public ::testing::Test {
 protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root to make a network namespace";
    }
};

TEST_F(Observation, FreshNamespaceIsEmptyAndCountsItsOwnTraffic) {
    in_fresh_netns([] {
        EXPECT_TRUE(snapshot_sockets().empty());
        CounterMap before = read_net_counters();
        EXPECT_EQ(before.at("Tcp.ActiveOpens"), 0);  // the host's count would not be 0: this is the thread's namespace
        EXPECT_EQ(before.at("Tcp.MaxConn"), -1);
        {
            Fd listener = tcp_listener(7100, 8);
            Fd client = tcp_connect_nonblocking(7100);
            std::this_thread::sleep_for(50ms);
        }
        CounterMap delta = counter_delta(before, read_net_counters());
        EXPECT_EQ(delta.at("Tcp.ActiveOpens"), 1);
        EXPECT_EQ(delta.at("Tcp.PassiveOpens"), 1);
    });
}

// Backlog 3, never accepted, 10 connects. The accept queue holds backlog + 1; with no delay on loopback the
// kernel then drops further SYNs (no SYN-RECV state), so the rest of the clients stay in SYN-SENT.
TEST_F(Observation, ListenQueueOverflowShowsInQueuesStatesAndCounters) {
    constexpr std::uint16_t kPort = 7000;
    constexpr int kBacklog = 3;
    constexpr std::size_t kClients = 10;
    in_fresh_netns([&] {
        CounterMap before = read_net_counters();
        Fd listener = tcp_listener(kPort, kBacklog);
        std::vector<Fd> clients;
        for (std::size_t i = 0; i < kClients; ++i) clients.push_back(tcp_connect_nonblocking(kPort));
        std::this_thread::sleep_for(300ms);  // short of the first SYN retransmission (1 s)
        std::vector<SocketEntry> sockets = snapshot_sockets();
        CounterMap delta = counter_delta(before, read_net_counters());

        const SocketEntry* l = find_listener(sockets, kPort);
        ASSERT_NE(l, nullptr);
        EXPECT_EQ(l->recv_q, kBacklog + 1u);
        EXPECT_EQ(l->send_q, static_cast<std::uint32_t>(kBacklog));
        EXPECT_NE(l->inode, 0u);
        EXPECT_EQ(l->local_addr, "127.0.0.1");

        auto client_in = [&](const char* state) {
            return count(sockets, [&](const SocketEntry& s) { return s.remote_port == kPort && s.state == state; });
        };
        auto server_in = [&](const char* state) {
            return count(sockets, [&](const SocketEntry& s) { return s.local_port == kPort && s.state == state; });
        };
        std::size_t established = client_in("established");
        std::size_t syn_sent = client_in("syn-sent");
        EXPECT_EQ(established + syn_sent, kClients);
        EXPECT_EQ(server_in("established"), l->recv_q);  // queued children: complete but never accepted
        EXPECT_EQ(server_in("syn-recv"), 0u);
        EXPECT_EQ(established, l->recv_q + server_in("syn-recv"));
        EXPECT_EQ(static_cast<std::int64_t>(syn_sent), delta.at("TcpExt.ListenOverflows"));
        EXPECT_GT(delta.at("TcpExt.ListenOverflows"), 0);
        EXPECT_GE(delta.at("TcpExt.ListenDrops"), delta.at("TcpExt.ListenOverflows"));
        std::printf("listener recv_q=%u send_q=%u; clients established=%zu syn-sent=%zu; ListenOverflows=%lld ListenDrops=%lld\n",
                    l->recv_q, l->send_q, established, syn_sent,
                    static_cast<long long>(delta.at("TcpExt.ListenOverflows")),
                    static_cast<long long>(delta.at("TcpExt.ListenDrops")));
    });
}

// TCP_DEFER_ACCEPT makes the listener ignore the handshake's bare ACK, so each connection waits as a request
// socket: the one way to hold SYN-RECV entries on loopback without delaying packets.
TEST_F(Observation, RequestSocketsAppearAsSynRecv) {
    constexpr std::uint16_t kPort = 7001;
    in_fresh_netns([&] {
        Fd listener = tcp_listener(kPort, 16, /*defer_accept_s=*/5);
        std::vector<Fd> clients;
        for (int i = 0; i < 3; ++i) clients.push_back(tcp_connect_nonblocking(kPort));
        std::this_thread::sleep_for(100ms);
        std::vector<SocketEntry> sockets = snapshot_sockets();

        std::vector<const SocketEntry*> requests;
        for (const auto& s : sockets)
            if (s.local_port == kPort && s.state == "syn-recv") requests.push_back(&s);
        ASSERT_EQ(requests.size(), 3u);
        for (const auto* r : requests) {
            EXPECT_EQ(r->inode, 0u);
            EXPECT_EQ(r->remote_addr, "127.0.0.1");
            EXPECT_NE(r->remote_port, 0);
        }
        EXPECT_EQ(count(sockets, [&](const SocketEntry& s) { return s.remote_port == kPort && s.state == "established"; }),
                  3u);
        EXPECT_EQ(find_listener(sockets, kPort)->recv_q, 0u);  // nothing is complete yet
    });
}

TEST_F(Observation, ClosedConnectionsShowTimeWaitAndHalfClosedStates) {
    constexpr std::uint16_t kPort = 7002;
    in_fresh_netns([&] {
        Fd listener = tcp_listener(kPort, 4);
        Fd client = tcp_connect_nonblocking(kPort);
        Fd server(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC), "accept4");
        client.close();  // the client closes first: server CLOSE-WAIT, client FIN-WAIT-2
        std::this_thread::sleep_for(50ms);
        std::vector<SocketEntry> half = snapshot_sockets();
        EXPECT_EQ(count(half, [&](const SocketEntry& s) { return s.local_port == kPort && s.state == "close-wait"; }),
                  1u);
        // An orphaned FIN-WAIT-2 socket is kept as a time-wait socket in its FIN-WAIT-2 substate.
        EXPECT_EQ(count(half, [&](const SocketEntry& s) { return s.remote_port == kPort && s.state == "fin-wait-2"; }),
                  1u);

        server.close();
        std::this_thread::sleep_for(50ms);
        std::vector<SocketEntry> done = snapshot_sockets();
        std::size_t time_wait = 0;
        for (const auto& s : done)
            if (s.remote_port == kPort && s.state == "time-wait") {
                ++time_wait;
                EXPECT_EQ(s.inode, 0u);
            }
        EXPECT_EQ(time_wait, 1u);
    });
}

TEST_F(Observation, Ipv6AndBoundOnlySocketsAreListed) {
    in_fresh_netns([] {
        Fd v6(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_in6 addr{};
        addr.sin6_family = AF_INET6;
        addr.sin6_port = htons(7003);
        addr.sin6_addr = in6addr_loopback;
        if (::bind(v6.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) fail("bind ::1");
        if (::listen(v6.get(), 5) != 0) fail("listen");
        Fd bound(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        sockaddr_in b = loopback(7004);
        if (::bind(bound.get(), reinterpret_cast<sockaddr*>(&b), sizeof(b)) != 0) fail("bind");

        std::vector<SocketEntry> sockets = snapshot_sockets();
        const SocketEntry* l = find_listener(sockets, 7003);
        ASSERT_NE(l, nullptr);
        EXPECT_EQ(l->local_addr, "::1");
        EXPECT_EQ(l->send_q, 5u);
        EXPECT_EQ(count(sockets, [](const SocketEntry& s) { return s.local_port == 7004 && s.state == "close"; }), 1u);
    });
}

// Udp.InDatagrams counts datagrams the application read, not datagrams queued: it moves only after recv().
TEST_F(Observation, UdpQueueAndCounters) {
    constexpr std::uint16_t kPort = 7200;
    constexpr int kDatagrams = 50;
    in_fresh_netns([&] {
        CounterMap before = read_net_counters();
        Fd receiver(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        int rcvbuf = 4 << 20;  // room for all of them whatever the host's rmem_default
        if (::setsockopt(receiver.get(), SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)) != 0) fail("SO_RCVBUFFORCE");
        sockaddr_in addr = loopback(kPort);
        if (::bind(receiver.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) fail("bind");
        Fd sender(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        std::vector<char> payload(1000, 'x');
        for (int i = 0; i < kDatagrams; ++i)
            if (::sendto(sender.get(), payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&addr),
                         sizeof(addr)) != static_cast<ssize_t>(payload.size()))
                fail("sendto");
        std::this_thread::sleep_for(50ms);

        std::vector<SocketEntry> sockets = snapshot_sockets();
        CounterMap queued = counter_delta(before, read_net_counters());
        const SocketEntry* r = nullptr;
        for (const auto& s : sockets)
            if (s.protocol == "udp" && s.local_port == kPort) r = &s;
        ASSERT_NE(r, nullptr);
        EXPECT_EQ(r->state, "close");  // unconnected
        EXPECT_GE(r->recv_q, static_cast<std::uint32_t>(kDatagrams * payload.size()));
        EXPECT_EQ(queued.at("Udp.OutDatagrams"), kDatagrams);
        EXPECT_EQ(queued.at("Udp.InDatagrams"), 0);
        EXPECT_EQ(queued.at("Udp.RcvbufErrors"), 0);

        for (int i = 0; i < kDatagrams; ++i)
            if (::recv(receiver.get(), payload.data(), payload.size(), MSG_DONTWAIT) < 0) fail("recv");
        CounterMap read = counter_delta(before, read_net_counters());
        EXPECT_EQ(read.at("Udp.InDatagrams"), kDatagrams);
        std::printf("udp recv_q=%u bytes for %d x %zu-byte datagrams\n", r->recv_q, kDatagrams, payload.size());
    });
}

}  // namespace
