#include "common/latency_histogram.hpp"

#include <cstdint>

#include <gtest/gtest.h>

namespace lab {
namespace {

TEST(LatencyHistogram, EmptyReportsZeros) {
    LatencyHistogram h;
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.min(), 0u);
    EXPECT_EQ(h.max(), 0u);
    EXPECT_EQ(h.percentile(50), 0u);
    EXPECT_EQ(h.percentile(99), 0u);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
    LatencyHistogram h;
    for (std::uint64_t v = 1; v <= 100; ++v) h.record(v);
    EXPECT_EQ(h.count(), 100u);
    EXPECT_EQ(h.min(), 1u);
    EXPECT_EQ(h.max(), 100u);
    EXPECT_EQ(h.percentile(50), 50u);
    EXPECT_EQ(h.percentile(99), 99u);
    EXPECT_EQ(h.percentile(100), 100u);
    EXPECT_EQ(h.percentile(0), 1u);
}

TEST(LatencyHistogram, BucketsAreContiguousAndCoverEveryValue) {
    // Each bucket starts one past where the one before ended, from 0 to 2^64 - 1.
    for (std::size_t b = 1; b < LatencyHistogram::kBuckets; ++b) {
        const std::uint64_t low = LatencyHistogram::bucket_high(b - 1) + 1;
        ASSERT_EQ(LatencyHistogram::bucket_of(low), b) << "bucket " << b;
        ASSERT_EQ(LatencyHistogram::bucket_of(LatencyHistogram::bucket_high(b)), b) << "bucket " << b;
    }
    EXPECT_EQ(LatencyHistogram::bucket_high(LatencyHistogram::kBuckets - 1), UINT64_MAX);
    EXPECT_EQ(LatencyHistogram::bucket_of(UINT64_MAX), LatencyHistogram::kBuckets - 1);
}

TEST(LatencyHistogram, LargeValuesAreWithinOneSixtyFourth) {
    // 1 000 000 ns lands in a bucket 2^13 wide (2^19 ≤ v < 2^20 cut into 64): [999424, 1007615].
    EXPECT_EQ(LatencyHistogram::bucket_high(LatencyHistogram::bucket_of(1'000'000)), 1'007'615u);
    for (std::uint64_t v : {200ull, 4'321ull, 1'000'000ull, 123'456'789ull, 1ull << 40}) {
        const std::uint64_t high = LatencyHistogram::bucket_high(LatencyHistogram::bucket_of(v));
        EXPECT_GE(high, v);
        EXPECT_LE(static_cast<double>(high - v), static_cast<double>(v) / 64.0) << v;
    }
}

TEST(LatencyHistogram, PercentilesOfASkewedDistribution) {
    // 990 fast (100 µs) and 10 slow (1 s, the SYN retransmission): p50 is fast, p99 fast, p99.9 slow.
    LatencyHistogram h;
    for (int i = 0; i < 990; ++i) h.record(100'000);
    for (int i = 0; i < 10; ++i) h.record(1'000'000'000);
    EXPECT_EQ(h.count(), 1000u);
    EXPECT_EQ(h.percentile(50), 100'351u);  // the top of 100 000's bucket (2^10 wide above 2^16)
    EXPECT_EQ(h.percentile(99), 100'351u);
    EXPECT_EQ(h.percentile(99.9), 1'000'000'000u);  // the bucket's top is above max: max is reported
    EXPECT_EQ(h.max(), 1'000'000'000u);
    EXPECT_EQ(h.min(), 100'000u);
}

TEST(LatencyHistogram, MergeAddsCountsAndKeepsExtremes) {
    LatencyHistogram a, b;
    for (std::uint64_t v = 1; v <= 50; ++v) a.record(v);
    for (std::uint64_t v = 51; v <= 100; ++v) b.record(v);
    a.merge(b);
    EXPECT_EQ(a.count(), 100u);
    EXPECT_EQ(a.min(), 1u);
    EXPECT_EQ(a.max(), 100u);
    EXPECT_EQ(a.percentile(50), 50u);
    EXPECT_EQ(a.percentile(90), 90u);

    LatencyHistogram empty;
    a.merge(empty);
    EXPECT_EQ(a.count(), 100u);
    EXPECT_EQ(a.min(), 1u);
}

TEST(LatencyHistogram, ResetForgetsEverything) {
    LatencyHistogram h;
    h.record(7);
    h.record(70'000);
    h.reset();
    EXPECT_EQ(h.count(), 0u);
    EXPECT_EQ(h.max(), 0u);
    EXPECT_EQ(h.percentile(50), 0u);
    h.record(3);
    EXPECT_EQ(h.min(), 3u);
}

}  // namespace
}  // namespace lab
