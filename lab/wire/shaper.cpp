#include "lab/wire/shaper.hpp"

#include <algorithm>
#include <cmath>

namespace lab::wire {
namespace {

// Pareto with shape 3 has a finite variance; standardised to mean 0 and deviation 1 so that
// jitter means the same spread for every distribution, with the long tail to the late side.
double standard_pareto(double u) {
    constexpr double alpha = 3.0;
    const double x = std::pow(1.0 - u, -1.0 / alpha);  // scale 1: mean 1.5, deviation sqrt(3)/2
    return (x - 1.5) / (std::sqrt(3.0) / 2.0);
}

}  // namespace

Shaper::Shaper(const Clock& clock, std::uint64_t seed, shaping::Impairment impairment)
    : clock_(clock), rng_(seed), impairment_(std::move(impairment)) {}

void Shaper::set_impairment(const shaping::Impairment& impairment) {
    if (!impairment.gemodel) gilbert_elliott_.reset();
    impairment_ = impairment;
}

bool Shaper::chance(double probability) {
    if (probability <= 0.0) return false;
    if (probability >= 1.0) return true;
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng_) < probability;
}

bool Shaper::lose() {
    if (impairment_.gemodel) return gilbert_elliott_.lose(*impairment_.gemodel, rng_);
    return chance(impairment_.loss);
}

std::int64_t Shaper::sampled_delay_ns() {
    const auto delay = static_cast<double>(impairment_.delay.count());
    const auto jitter = static_cast<double>(impairment_.jitter.count());
    if (jitter <= 0) return impairment_.delay.count();
    double offset = 0;
    switch (impairment_.distribution) {
        case shaping::JitterDistribution::Uniform:
            offset = std::uniform_real_distribution<double>(-jitter, jitter)(rng_);
            break;
        case shaping::JitterDistribution::Normal:
            offset = jitter * std::normal_distribution<double>(0.0, 1.0)(rng_);
            break;
        case shaping::JitterDistribution::Pareto:
            offset = jitter * standard_pareto(std::uniform_real_distribution<double>(0.0, 1.0)(rng_));
            break;
    }
    return std::max<std::int64_t>(0, std::llround(delay + offset));
}

void Shaper::offer(Frame frame) {
    const std::int64_t now = clock_.now_ns();
    ++counters_.rx_frames;
    counters_.rx_bytes += frame.wire_bytes;
    if (impairment_.blackhole) {
        ++counters_.dropped_blackhole;
        return;
    }
    if (chance(impairment_.duplicate)) {
        ++counters_.duplicated;
        hold(frame, now);
    }
    hold(std::move(frame), now);
}

void Shaper::hold(Frame frame, std::int64_t now) {
    if (lose()) {
        ++counters_.dropped_loss;
        return;
    }
    if (queue_.size() >= impairment_.limit) {
        ++counters_.dropped_queue;
        return;
    }
    Departure d;
    d.corrupt = chance(impairment_.corrupt);
    if (d.corrupt) {
        ++counters_.corrupted;
        d.corrupt_pick = rng_();
    }
    if (impairment_.reorder > 0 && impairment_.delay.count() > 0 && chance(impairment_.reorder)) {
        ++counters_.reordered;
        d.due_ns = now;
    } else {
        std::int64_t due = now + sampled_delay_ns();
        if (impairment_.rate_bps > 0) {
            const auto bits = static_cast<unsigned __int128>(frame.wire_bytes) * 8u * 1'000'000'000u;
            due = std::max(due, last_due_ns_) + static_cast<std::int64_t>(bits / impairment_.rate_bps);
        } else if (impairment_.jitter.count() == 0) {
            due = std::max(due, last_due_ns_);
        }
        last_due_ns_ = std::max(last_due_ns_, due);
        d.due_ns = due;
    }
    d.frame = std::move(frame);
    const std::int64_t due = d.due_ns;
    queue_.push_back(Held{due, next_seq_++, std::move(d)});
    std::push_heap(queue_.begin(), queue_.end(), Later{});
}

std::optional<std::int64_t> Shaper::next_due() const {
    if (queue_.empty()) return std::nullopt;
    return queue_.front().due_ns;
}

std::optional<Departure> Shaper::pop_due() {
    const std::int64_t now = clock_.now_ns();
    while (!queue_.empty() && queue_.front().due_ns <= now) {
        std::pop_heap(queue_.begin(), queue_.end(), Later{});
        Departure d = std::move(queue_.back().departure);
        queue_.pop_back();
        if (impairment_.blackhole) {
            ++counters_.dropped_blackhole;
            continue;
        }
        return d;
    }
    return std::nullopt;
}

void Shaper::record_sent(const Departure& d, std::int64_t sent_ns) {
    ++counters_.tx_frames;
    counters_.tx_bytes += d.frame.wire_bytes;
    counters_.scheduling_error.add(sent_ns - d.due_ns);
}

}  // namespace lab::wire
