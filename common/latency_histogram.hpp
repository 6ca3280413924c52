#pragma once
// Latencies (or any non-negative integers) counted in log-linear buckets, as HdrHistogram does: values
// below 128 each have their own bucket; above, every power of two is cut into 64 equal buckets, so a
// reported percentile is at most 1/64 (1.6 %) above the value it stands for. Memory is fixed (one array,
// whatever is recorded), recording is O(1) (a bit_width and an add), and two histograms merge by adding
// their buckets: one per thread per second, merged for the report, is the intended use.
#include <array>
#include <cstdint>

namespace lab {

class LatencyHistogram {
public:
    static constexpr unsigned kLinearBits = 7;                        // values < 128 are exact
    static constexpr std::uint64_t kLinear = 1u << kLinearBits;       // 128
    static constexpr std::uint64_t kPerOctave = kLinear / 2;          // 64 buckets per power of two above
    static constexpr std::size_t kBuckets = kLinear + (64 - kLinearBits) * kPerOctave;

    void record(std::uint64_t value);
    void merge(const LatencyHistogram& other);
    void reset();

    std::uint64_t count() const { return count_; }
    std::uint64_t min() const { return count_ == 0 ? 0 : min_; }  // exact
    std::uint64_t max() const { return max_; }                     // exact
    // The smallest value v such that at least `percent` % of the recorded values are ≤ v, to the
    // bucket's precision (its highest value, never above max()); 0 when nothing was recorded.
    std::uint64_t percentile(double percent) const;

    // Bucket arithmetic, public for the tests: which bucket holds `value`, and the highest value a bucket holds.
    static std::size_t bucket_of(std::uint64_t value);
    static std::uint64_t bucket_high(std::size_t bucket);

private:
    std::array<std::uint64_t, kBuckets> counts_{};
    std::uint64_t count_ = 0;
    std::uint64_t min_ = UINT64_MAX;
    std::uint64_t max_ = 0;
};

}  // namespace lab
