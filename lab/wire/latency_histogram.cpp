#include "lab/wire/latency_histogram.hpp"

#include <algorithm>
#include <cmath>

namespace lab::wire {

void LatencyHistogram::add(std::int64_t ns) {
    if (ns < 0) ns = 0;
    std::size_t i = static_cast<std::size_t>(ns / bucket_ns);
    ++counts_[std::min(i, buckets)];
    ++count_;
    max_ns_ = std::max(max_ns_, ns);
}

std::optional<std::int64_t> LatencyHistogram::quantile_ns(double q) const {
    if (count_ == 0) return std::nullopt;
    auto rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
    rank = std::clamp<std::uint64_t>(rank, 1, count_);
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i < buckets; ++i) {
        seen += counts_[i];
        if (seen >= rank) return std::min<std::int64_t>(static_cast<std::int64_t>(i + 1) * bucket_ns, max_ns_);
    }
    return max_ns_;
}

}  // namespace lab::wire
