#include "lab/agents/accept_gate.hpp"

namespace lab::agent {

AcceptGate::AcceptGate(const AcceptPolicy& policy, std::int64_t listening_since_ns)
    : policy_(policy), start_ns_(listening_since_ns), next_token_ns_(listening_since_ns) {}

std::optional<std::int64_t> AcceptGate::next_allowed(std::int64_t now_ns) const {
    switch (policy_.kind) {
    case AcceptPolicy::Kind::Never: return std::nullopt;
    case AcceptPolicy::Kind::Always: return start_ns_;
    case AcceptPolicy::Kind::After: return start_ns_ + policy_.delay.count();
    case AcceptPolicy::Kind::Rate: return next_token_ns_;
    case AcceptPolicy::Kind::Burst: {
        if (now_ns < start_ns_) return start_ns_;
        std::int64_t period = (now_ns - start_ns_) / policy_.every.count();
        if (period != burst_period_ || burst_used_ < policy_.burst) return now_ns;
        return start_ns_ + (period + 1) * policy_.every.count();
    }
    }
    return std::nullopt;
}

void AcceptGate::take(std::int64_t now_ns) {
    if (policy_.kind == AcceptPolicy::Kind::Rate) {
        const std::int64_t interval = policy_.rate.interval().count();
        // Behind by less than one interval: keep the schedule (no drift from loop latency).
        // Idle for longer: the schedule restarts from now.
        next_token_ns_ = now_ns - next_token_ns_ < interval ? next_token_ns_ + interval : now_ns + interval;
    } else if (policy_.kind == AcceptPolicy::Kind::Burst) {
        std::int64_t period = now_ns < start_ns_ ? 0 : (now_ns - start_ns_) / policy_.every.count();
        if (period != burst_period_) {
            burst_period_ = period;
            burst_used_ = 0;
        }
        ++burst_used_;
    }
}

}  // namespace lab::agent
