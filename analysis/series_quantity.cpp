#include "analysis/series_quantity.hpp"

#include <array>

namespace lab::analysis {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

constexpr std::array<SeriesQuantity, 10> kHost = {{
    {"sockets.established", "estab", "ESTABLISHED sockets", "sockets", 1, 0},
    {"sockets.syn-recv", "syn-recv", "SYN-RECV (half-open) sockets", "sockets", 1, 0},
    {"sockets.time-wait", "time-wait", "TIME-WAIT sockets", "sockets", 1, 0},
    {"accept_queue", "accept q", "accept queue (all listeners)", "connections", 1, 0},
    {"rate.Tcp.PassiveOpens", "accepts/s", "Tcp.PassiveOpens per second", "per second", 1, 0},
    {"rate.Tcp.ActiveOpens", "connects/s", "Tcp.ActiveOpens per second", "per second", 1, 0},
    {"rate.TcpExt.ListenOverflows", "overflows/s", "TcpExt.ListenOverflows per second", "per second", 1, 0},
    {"rate.Tcp.RetransSegs", "retrans/s", "Tcp.RetransSegs per second", "per second", 1, 0},
    {"sockstat.tcp.inuse", "tcp inuse", "TCP sockets in use (sockstat)", "sockets", 1, 0},
    {"rss.total", "rss MiB", "resident memory of the host's processes", "MiB", kMiB, 1},
}};

constexpr std::array<SeriesQuantity, 6> kAgent = {{
    {"established", "estab", "connections the agent holds", "connections", 1, 0},
    {"connects_ok", "connects/s", "connects that succeeded, per second", "per second", 1, 0},
    {"connects_failed", "failed/s", "connects that failed, per second", "per second", 1, 0},
    {"ping_timeouts", "ping t/o", "pings without a pong in time, per second", "per second", 1, 0},
    {"connect_us.p99", "connect p99", "connect latency p99", "ms", 1000, 1, false},
    {"rtt_us.p99", "rtt p99", "ping round trip p99", "ms", 1000, 1, false},
}};

}  // namespace

std::span<const SeriesQuantity> host_series_quantities() { return kHost; }
std::span<const SeriesQuantity> agent_series_quantities() { return kAgent; }

}  // namespace lab::analysis
