#pragma once
// What lab-client --ping counts in one reporting interval (one per thread, merged by the reporter), and
// how it is written into the "second" line and the summary.
#include <cstdint>
#include <map>

#include <nlohmann/json.hpp>

#include "common/latency_histogram.hpp"

namespace lab::agent {

struct PingSecond {
    std::uint64_t connects_attempted = 0;
    std::uint64_t connects_ok = 0;
    std::uint64_t connects_failed = 0;  // by errno in connect_errors; a connect timeout counts as ETIMEDOUT
    std::uint64_t connect_timeouts = 0;
    std::map<int, std::uint64_t> connect_errors;  // errno → count
    std::uint64_t pings = 0;
    std::uint64_t pongs = 0;          // in time
    std::uint64_t ping_timeouts = 0;  // no whole pong within the timeout
    std::uint64_t late_pongs = 0;     // pongs that came after their timeout
    std::uint64_t closed = 0;         // open connections the peer closed or reset
    std::map<int, std::uint64_t> conn_errors;  // errno → count, for those reset (0: a clean EOF)
    std::uint64_t closed_by_command = 0;       // open connections a stop command closed
    std::uint64_t connects_cancelled = 0;      // connects in flight a stop command gave up (not failures)
    LatencyHistogram connect_ns;
    LatencyHistogram rtt_ns;

    void merge(const PingSecond& other);
    void reset() { *this = PingSecond(); }

    // The counts as JSON fields; errno maps are objects keyed by errno name, latencies objects of
    // microseconds {"count", "p50", "p99", "max"}.
    void write_to(nlohmann::ordered_json& out) const;
};

}  // namespace lab::agent
