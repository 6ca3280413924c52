#include "lab/agents/ping_second.hpp"

#include "common/errno_name.hpp"

namespace lab::agent {
namespace {

void add_counts(std::map<int, std::uint64_t>& into, const std::map<int, std::uint64_t>& from) {
    for (const auto& [err, n] : from) into[err] += n;
}

nlohmann::ordered_json errno_counts(const std::map<int, std::uint64_t>& counts) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& [err, n] : counts) out[err == 0 ? std::string("EOF") : errno_name(err)] = n;
    return out;
}

nlohmann::ordered_json latency_us(const LatencyHistogram& h) {
    auto us = [](std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; };
    return {{"count", h.count()}, {"p50", us(h.percentile(50))}, {"p99", us(h.percentile(99))}, {"max", us(h.max())}};
}

}  // namespace

void PingSecond::merge(const PingSecond& other) {
    connects_attempted += other.connects_attempted;
    connects_ok += other.connects_ok;
    connects_failed += other.connects_failed;
    connect_timeouts += other.connect_timeouts;
    add_counts(connect_errors, other.connect_errors);
    pings += other.pings;
    pongs += other.pongs;
    ping_timeouts += other.ping_timeouts;
    late_pongs += other.late_pongs;
    closed += other.closed;
    add_counts(conn_errors, other.conn_errors);
    closed_by_command += other.closed_by_command;
    connects_cancelled += other.connects_cancelled;
    connect_ns.merge(other.connect_ns);
    rtt_ns.merge(other.rtt_ns);
}

void PingSecond::write_to(nlohmann::ordered_json& out) const {
    out["connects_attempted"] = connects_attempted;
    out["connects_ok"] = connects_ok;
    out["connects_failed"] = connects_failed;
    out["connect_timeouts"] = connect_timeouts;
    out["connect_errors"] = errno_counts(connect_errors);
    out["pings"] = pings;
    out["pongs"] = pongs;
    out["ping_timeouts"] = ping_timeouts;
    out["late_pongs"] = late_pongs;
    out["closed"] = closed;
    out["conn_errors"] = errno_counts(conn_errors);
    out["closed_by_command"] = closed_by_command;
    out["connects_cancelled"] = connects_cancelled;
    out["connect_us"] = latency_us(connect_ns);
    out["rtt_us"] = latency_us(rtt_ns);
}

}  // namespace lab::agent
