// udp_blast: the traffic of the wire benches. `send` writes numbered, timestamped UDP datagrams
// at a fixed rate (or as fast as it can); `recv` counts them and reports loss, duplicates,
// reordering and one-way delay (both ends read CLOCK_MONOTONIC, which namespaces share).
// Every run is bounded by a count and a duration.
//   udp_blast send DST_ADDR PORT RATE_PPS(0 = max) COUNT MAX_SECONDS [PAYLOAD_BYTES]
//   udp_blast recv PORT IDLE_SECONDS MAX_SECONDS
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

std::int64_t now_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

struct Stamp {
    std::uint64_t seq;
    std::int64_t sent_ns;
};

int send_mode(const char* addr, int port, double rate, std::uint64_t count, double max_s, std::size_t size) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_port = htons(static_cast<std::uint16_t>(port));
    inet_pton(AF_INET, addr, &dst.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof dst) != 0) { perror("connect"); return 1; }
    int sndbuf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
    size = std::max(size, sizeof(Stamp));
    const std::int64_t start = now_ns(), end = start + static_cast<std::int64_t>(max_s * 1e9);
    std::uint64_t sent = 0, errors = 0;
    constexpr int batch = 32;
    std::vector<std::vector<char>> bufs(batch, std::vector<char>(size, 0));
    std::vector<iovec> iov(batch);
    std::vector<mmsghdr> msgs(batch);
    // Paced in ticks of at most 1 ms, each tick's share sent with sendmmsg and the gaps slept
    // (absolute clock_nanosleep): a sender that spins would steal the CPU the wire needs.
    const double tick_s = rate > 0 ? std::max(1e-3, 1.0 / rate) : 0;
    std::int64_t next_tick = start;
    while (sent < count) {
        const std::int64_t t = now_ns();
        if (t >= end) break;
        std::uint64_t target = count;
        if (rate > 0) {
            timespec ts{next_tick / 1'000'000'000, next_tick % 1'000'000'000};
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
            next_tick += static_cast<std::int64_t>(tick_s * 1e9);
            target = std::min<std::uint64_t>(count, static_cast<std::uint64_t>(
                                                        std::llround(static_cast<double>(next_tick - start) / 1e9 * rate)));
        }
        while (sent < target) {
            const int n = static_cast<int>(std::min<std::uint64_t>(batch, target - sent));
            const std::int64_t stamp_time = now_ns();
            for (int i = 0; i < n; ++i) {
                Stamp s{sent + static_cast<std::uint64_t>(i), stamp_time};
                std::memcpy(bufs[i].data(), &s, sizeof s);
                iov[i] = iovec{bufs[i].data(), size};
                msgs[i] = mmsghdr{};
                msgs[i].msg_hdr.msg_iov = &iov[i];
                msgs[i].msg_hdr.msg_iovlen = 1;
            }
            int r = sendmmsg(fd, msgs.data(), static_cast<unsigned>(n), 0);
            if (r <= 0) {
                ++errors;
                break;
            }
            sent += static_cast<std::uint64_t>(r);
            if (rate <= 0 || now_ns() >= end) break;
        }
    }
    const double elapsed = static_cast<double>(now_ns() - start) / 1e9;
    std::printf("{\"sent\":%llu,\"send_errors\":%llu,\"elapsed_s\":%.3f,\"pps\":%.0f}\n",
                static_cast<unsigned long long>(sent), static_cast<unsigned long long>(errors), elapsed, sent / elapsed);
    close(fd);
    return 0;
}

int recv_mode(int port, double idle_s, double max_s) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    int rcvbuf = 32 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf);
    sockaddr_in me{};
    me.sin_family = AF_INET;
    me.sin_port = htons(static_cast<std::uint16_t>(port));
    if (bind(fd, reinterpret_cast<sockaddr*>(&me), sizeof me) != 0) { perror("bind"); return 1; }
    std::printf("{\"listening\":%d}\n", port);
    std::fflush(stdout);
    constexpr int batch = 64;
    std::vector<std::vector<char>> bufs(batch, std::vector<char>(2048));
    std::vector<iovec> iov(batch);
    std::vector<mmsghdr> msgs(batch);
    std::vector<std::uint8_t> seen;
    std::vector<std::int64_t> delays;
    std::uint64_t received = 0, duplicates = 0, late = 0, max_seq = 0;
    bool any = false;
    const std::int64_t start = now_ns(), end = start + static_cast<std::int64_t>(max_s * 1e9);
    std::int64_t first = 0, last = 0;
    while (true) {
        const std::int64_t t = now_ns();
        if (t >= end) break;
        if (any && t - last > static_cast<std::int64_t>(idle_s * 1e9)) break;
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 50) <= 0) continue;
        for (int i = 0; i < batch; ++i) {
            iov[i] = iovec{bufs[i].data(), bufs[i].size()};
            msgs[i] = mmsghdr{};
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int n = recvmmsg(fd, msgs.data(), batch, MSG_DONTWAIT, nullptr);
        if (n <= 0) continue;
        const std::int64_t rt = now_ns();
        if (!any) first = rt;
        any = true;
        last = rt;
        for (int i = 0; i < n; ++i) {
            if (msgs[i].msg_len < sizeof(Stamp)) continue;
            Stamp s;
            std::memcpy(&s, bufs[i].data(), sizeof s);
            if (s.seq >= seen.size()) seen.resize(std::max<std::size_t>(s.seq + 1, seen.size() * 2), 0);
            if (seen[s.seq]) { ++duplicates; continue; }
            seen[s.seq] = 1;
            ++received;
            if (received > 1 && s.seq < max_seq) ++late;
            max_seq = std::max(max_seq, s.seq);
            delays.push_back(rt - s.sent_ns);
        }
    }
    std::sort(delays.begin(), delays.end());
    auto q = [&](double x) {
        if (delays.empty()) return -1.0;
        std::size_t i = std::min(delays.size() - 1, static_cast<std::size_t>(std::ceil(x * delays.size())) - 1);
        return delays[i] / 1e6;
    };
    const double span = any ? (last - first) / 1e9 : 0;
    std::printf("{\"received\":%llu,\"duplicates\":%llu,\"reordered\":%llu,\"max_seq\":%llu,\"span_s\":%.3f,"
                "\"pps\":%.0f,\"delay_ms\":{\"min\":%.4f,\"p50\":%.4f,\"p99\":%.4f,\"p999\":%.4f,\"max\":%.4f}}\n",
                static_cast<unsigned long long>(received), static_cast<unsigned long long>(duplicates),
                static_cast<unsigned long long>(late), static_cast<unsigned long long>(max_seq), span,
                span > 0 ? received / span : 0.0, q(0.0000001), q(0.5), q(0.99), q(0.999), q(1.0));
    close(fd);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc >= 7 && std::strcmp(argv[1], "send") == 0)
        return send_mode(argv[2], std::atoi(argv[3]), std::atof(argv[4]), std::strtoull(argv[5], nullptr, 10),
                         std::atof(argv[6]), argc > 7 ? std::strtoul(argv[7], nullptr, 10) : 64);
    if (argc >= 5 && std::strcmp(argv[1], "recv") == 0) return recv_mode(std::atoi(argv[2]), std::atof(argv[3]), std::atof(argv[4]));
    std::fprintf(stderr, "usage: udp_blast send ADDR PORT PPS COUNT MAX_S [BYTES] | recv PORT IDLE_S MAX_S\n");
    return 2;
}
