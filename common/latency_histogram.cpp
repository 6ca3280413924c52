#include "common/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace lab {

std::size_t LatencyHistogram::bucket_of(std::uint64_t value) {
    if (value < kLinear) return static_cast<std::size_t>(value);
    // shift ≥ 1: the value's top 7 bits (64..127) pick one of the octave's 64 buckets.
    const unsigned shift = static_cast<unsigned>(std::bit_width(value)) - kLinearBits;
    const std::uint64_t top = value >> shift;
    return static_cast<std::size_t>(kLinear + (shift - 1) * kPerOctave + (top - kPerOctave));
}

std::uint64_t LatencyHistogram::bucket_high(std::size_t bucket) {
    if (bucket < kLinear) return bucket;
    const std::uint64_t above = bucket - kLinear;
    const unsigned shift = static_cast<unsigned>(above / kPerOctave) + 1;
    const std::uint64_t top = above % kPerOctave + kPerOctave;
    // The last bucket's high end is 2^64 - 1: compute (top + 1) << shift - 1 without overflowing.
    return (top << shift) + ((std::uint64_t{1} << shift) - 1);
}

void LatencyHistogram::record(std::uint64_t value) {
    ++counts_[bucket_of(value)];
    ++count_;
    min_ = std::min(min_, value);
    max_ = std::max(max_, value);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
    for (std::size_t i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
    count_ += other.count_;
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
}

void LatencyHistogram::reset() { *this = LatencyHistogram(); }

std::uint64_t LatencyHistogram::percentile(double percent) const {
    if (count_ == 0) return 0;
    percent = std::clamp(percent, 0.0, 100.0);
    // The rank of the value asked for, 1-based: p50 of 1..100 is the 50th value, p100 the last.
    const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(percent / 100.0 * static_cast<double>(count_))));
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) {
        seen += counts_[i];
        if (seen >= rank) return std::min(bucket_high(i), max_);
    }
    return max_;
}

}  // namespace lab
