// How fast lab counts a namespace's sockets, against `ss -tan state established | wc -l` in the same run.
// Root only: the process moves itself into a fresh, unnamed network namespace (unshare(CLONE_NEWNET)) and
// holds N ESTABLISHED sockets there on loopback — N/2 connections, whose server ends stay in their
// listeners' accept queues (no descriptor each) — so nothing is named and everything goes with the process.
// Client sockets are held by forked children, 15 000 each, so any RLIMIT_NOFILE of 15 100 or more will do.
// Usage: snapshot_bench N [N ...]; prints one Markdown row per N (times are medians of 5 runs, ss's of 3).
#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "runner/sock_diag.hpp"
#include "runner/socket_tally.hpp"
#include "sys/unique_fd.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kListeners = 50;  // destination ports: 28 000 ephemeral ports each would be 1.4M connections
constexpr std::uint16_t kFirstPort = 20000;

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "snapshot_bench: %s: %s\n", what.c_str(), std::strerror(errno));
    std::exit(1);
}

void write_file(const char* path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    if (!out) die(std::string("write ") + path);
}

void bring_lo_up() {
    lab::sys::UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    ifreq request{};
    std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
    if (::ioctl(sock.get(), SIOCGIFFLAGS, &request) != 0) die("SIOCGIFFLAGS lo");
    request.ifr_flags |= IFF_UP;
    if (::ioctl(sock.get(), SIOCSIFFLAGS, &request) != 0) die("SIOCSIFFLAGS lo");
}

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double time_ms(const std::function<void()>& f) {
    const auto t = Clock::now();
    f();
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

long mem_available_mib() {
    std::ifstream in("/proc/meminfo");
    std::string key;
    long kib = 0;
    std::string unit;
    while (in >> key >> kib >> unit)
        if (key == "MemAvailable:") return kib / 1024;
    return -1;
}

// A descriptor limit below the sockets wanted is met with helpers: child processes (forked after the
// unshare, so in this namespace) that each hold up to kPerHolder client sockets until the bench ends.
constexpr std::size_t kPerHolder = 15000;

struct Holder {
    pid_t pid = -1;
    lab::sys::UniqueFd release;  // closing it lets the child exit
};

struct Held {
    std::vector<lab::sys::UniqueFd> listeners;
    std::vector<Holder> holders;
    std::size_t clients = 0;

    // Each holder inherited the release ends of those before it, so closing them is not enough: every
    // holder is ended by its pid, then reaped.
    ~Held() {
        for (Holder& h : holders) ::kill(h.pid, SIGKILL);
        for (Holder& h : holders) {
            int status = 0;
            ::waitpid(h.pid, &status, 0);
        }
    }
};

// In a child: connects `count` clients starting at destination index `first`, says so, holds them.
[[noreturn]] void hold_in_child(std::size_t first, std::size_t count, int ready_fd, int release_fd) {
    std::vector<lab::sys::UniqueFd> clients;
    for (std::size_t i = 0; i < count; ++i) {
        lab::sys::UniqueFd c(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!c) die("socket");
        sockaddr_in a = loopback(static_cast<std::uint16_t>(kFirstPort + (first + i) % kListeners));
        if (::connect(c.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && errno != EINPROGRESS) die("connect");
        clients.push_back(std::move(c));
    }
    char byte = 1;
    if (::write(ready_fd, &byte, 1) != 1) die("ready");
    ::read(release_fd, &byte, 1);  // returns when the parent closes its end
    std::_Exit(0);
}

// Grows the held connections to n/2 (the benchmark's sizes ascend, so each adds to the last).
void hold(Held& held, std::size_t sockets) {
    if (held.listeners.empty())
        for (int i = 0; i < kListeners; ++i) {
            lab::sys::UniqueFd l(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
            sockaddr_in a = loopback(static_cast<std::uint16_t>(kFirstPort + i));
            if (::bind(l.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(l.get(), 1 << 20) != 0)
                die("listen");
            held.listeners.push_back(std::move(l));
        }
    while (held.clients < sockets / 2) {
        const std::size_t count = std::min(kPerHolder, sockets / 2 - held.clients);
        int ready[2], release[2];
        if (::pipe2(ready, O_CLOEXEC) != 0 || ::pipe2(release, O_CLOEXEC) != 0) die("pipe2");
        const pid_t pid = ::fork();
        if (pid < 0) die("fork");
        if (pid == 0) {
            ::close(ready[0]);
            ::close(release[1]);
            hold_in_child(held.clients, count, ready[1], release[0]);
        }
        ::close(ready[1]);
        ::close(release[0]);
        held.holders.push_back({pid, lab::sys::UniqueFd(release[1])});
        char byte = 0;
        if (::read(ready[0], &byte, 1) != 1) die("holder did not get ready");
        ::close(ready[0]);
        held.clients += count;
    }
    // Loopback handshakes finish in softirq right away; wait until the kernel shows them all.
    for (int i = 0; i < 200; ++i) {
        if (lab::runner::count_tcp_sockets(1U << 1) >= sockets) return;
        ::usleep(50000);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (::geteuid() != 0) {
        std::fprintf(stderr, "%s: makes a network namespace of its own, so it needs root\n", argv[0]);
        return 2;
    }
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s N [N ...]  (ESTABLISHED sockets to hold, ascending)\n", argv[0]);
        return 2;
    }
    if (::unshare(CLONE_NEWNET) != 0) die("unshare(CLONE_NEWNET)");
    bring_lo_up();
    // All per-namespace: this process's namespace only.
    write_file("/proc/sys/net/core/somaxconn", "2000000");
    write_file("/proc/sys/net/ipv4/ip_local_port_range", "10000 65000");
    write_file("/proc/sys/net/ipv4/tcp_max_syn_backlog", "2000000");
    rlimit nofile{};
    ::getrlimit(RLIMIT_NOFILE, &nofile);
    nofile.rlim_cur = nofile.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &nofile);
    if (nofile.rlim_cur < kPerHolder + 100) {
        errno = EMFILE;
        die(fmt::format("RLIMIT_NOFILE {} is below the {} a holder needs", nofile.rlim_cur, kPerHolder + 100));
    }

    fmt::print("| sockets | lab count (ms) | lab counts snapshot (ms) | lab full snapshot (ms) | ss \\| wc -l (ms) | "
               "ss / lab count | memory used (MiB) |\n|---:|---:|---:|---:|---:|---:|---:|\n");
    Held held;
    const long available_before = mem_available_mib();
    for (int i = 1; i < argc; ++i) {
        const std::size_t n = std::strtoull(argv[i], nullptr, 10);
        hold(held, n);
        const std::uint64_t seen = lab::runner::count_tcp_sockets(1U << 1);
        std::vector<double> count_ms, tally_ms, full_ms, ss_ms;
        std::uint64_t counted = 0, tallied = 0;
        std::size_t listed = 0;
        for (int r = 0; r < 5; ++r) {
            count_ms.push_back(time_ms([&] { counted = lab::runner::count_tcp_sockets(1U << 1); }));
            tally_ms.push_back(time_ms([&] { tallied = lab::runner::tally_sockets().total; }));
        }
        for (int r = 0; r < 3; ++r) {
            full_ms.push_back(time_ms([&] { listed = lab::runner::snapshot_sockets().size(); }));
            ss_ms.push_back(time_ms([&] {
                if (std::system("ss -tan state established | wc -l > /tmp/snapshot_bench.ss") != 0) die("ss");
            }));
        }
        std::ifstream ss_out("/tmp/snapshot_bench.ss");
        std::uint64_t ss_lines = 0;
        ss_out >> ss_lines;
        std::fprintf(stderr, "N=%zu: established %lu, counted %lu, tallied %lu, listed %zu, ss lines %lu\n", n,
                     static_cast<unsigned long>(seen), static_cast<unsigned long>(counted),
                     static_cast<unsigned long>(tallied), listed, static_cast<unsigned long>(ss_lines));
        fmt::print("| {} | {:.1f} | {:.1f} | {:.1f} | {:.1f} | {:.1f}× | {} |\n", n, median(count_ms),
                   median(tally_ms), median(full_ms), median(ss_ms), median(ss_ms) / median(count_ms),
                   available_before - mem_available_mib());
        std::fflush(stdout);
    }
    std::remove("/tmp/snapshot_bench.ss");
    return 0;
}
