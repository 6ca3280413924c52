// Two sweeps of one grid compared: medians side by side, every difference named.
#include "analysis/sweep_comparison.hpp"

#include <gtest/gtest.h>

#include "golden_file.hpp"
#include "sweep_records.hpp"

namespace lab::analysis {
namespace {

using test::backlog_by_cookies;
using test::full_grid;
using test::stored;

Sweep on_kernel(std::vector<StoredRecord> records, const std::string& kernel) {
    for (auto& r : records) r.record.run.kernel = kernel;
    return gather_sweep(std::move(records));
}

TEST(SweepComparison, IdenticalSweepsHaveNoDifference) {
    auto a = on_kernel(full_grid(backlog_by_cookies(), 2), "6.1.0-56-amd64");
    auto b = on_kernel(full_grid(backlog_by_cookies(), 2), "6.18.44");
    SweepComparison c = compare_sweeps({a, b});
    EXPECT_EQ(c.value_differences, 0u);
    EXPECT_EQ(c.verdict_differences, 0u);
    EXPECT_TRUE(c.differences.empty());
    EXPECT_NE(c.markdown.find("- **A:** sweep backlog-sweep — backlog-overflow on 6.1.0-56-amd64, backend userspace, 12 runs"),
              std::string::npos)
        << c.markdown;
    EXPECT_NE(c.markdown.find("| backlog \\ tcp_syncookies | 0 · A | 0 · B | 1 · A | 1 · B |"), std::string::npos) << c.markdown;
    EXPECT_NE(c.markdown.find("| 16 | 17 | 17 | 17 | 17 |"), std::string::npos) << c.markdown;
    EXPECT_NE(c.markdown.find("No difference: every sweep has the same median and range in every cell."), std::string::npos);
    EXPECT_NE(c.markdown.find("The same verdicts in every cell"), std::string::npos);
}

TEST(SweepComparison, EveryDifferenceIsNamedWithBothSidesAndWhetherTheRangesOverlap) {
    auto ra = full_grid(backlog_by_cookies(), 3);
    auto rb = full_grid(backlog_by_cookies(), 3);
    // 16/0: B queues 20-22 where A queues 17: the ranges do not overlap.
    for (int rep = 0; rep < 3; ++rep) {
        auto& r = stored(rb, {"16", "0"}, rep).record;
        test::set_metric(r, "accept_queue", 20 + rep);
        test::fail_verdict(r, std::to_string(20 + rep), "not = 17");
    }
    // 64/1: A spreads 64..66, B 65..67: different, yet overlapping.
    for (int rep = 0; rep < 3; ++rep) {
        test::set_metric(stored(ra, {"64", "1"}, rep).record, "accept_queue", 64 + rep);
        test::set_metric(stored(rb, {"64", "1"}, rep).record, "accept_queue", 65 + rep);
    }
    // 256/1: B has no record of it.
    std::erase_if(rb, [](const StoredRecord& r) { return r.record.sweep->cell_id == "c-256-1"; });
    SweepComparison c = compare_sweeps({on_kernel(ra, "6.1.0-56-amd64"), on_kernel(rb, "6.18.44")},
                                       {"runs/vm-6.1", "runs/host"});
    EXPECT_EQ(c.value_differences, 4u);  // both metrics of the missing cell count
    EXPECT_EQ(c.separated_ranges, 1u);
    EXPECT_EQ(c.verdict_differences, 2u);
    std::vector<std::string> expected = {
        "backlog=16, tcp_syncookies=0 — accept_queue: A 17 n=3 vs B 21 [20–22] n=3 — outside each other's range",
        "backlog=64, tcp_syncookies=1 — accept_queue: A 65 [64–66] n=3 vs B 66 [65–67] n=3",
        "backlog=256, tcp_syncookies=1 — accept_queue: A 257 n=3 vs B missing (no record)",
        "backlog=16, tcp_syncookies=0 — queue-is-backlog-plus-one: A pass 3/3 vs B fail 3/3",
        "backlog=256, tcp_syncookies=1 — runs: A 3/3 completed vs B missing (no record)",
    };
    // connect_p50 is the same everywhere except where B has no record.
    ASSERT_EQ(c.differences.size(), 6u);
    EXPECT_EQ(c.differences[0], expected[0]);
    EXPECT_EQ(c.differences[1], expected[1]);
    EXPECT_EQ(c.differences[2], expected[2]);
    EXPECT_EQ(c.differences[3], "backlog=256, tcp_syncookies=1 — connect_p50: A 25.5 n=3 vs B missing (no record)");
    EXPECT_EQ(c.differences[4], expected[3]);
    EXPECT_EQ(c.differences[5], expected[4]);
    EXPECT_NE(c.markdown.find("- **A:** runs/vm-6.1 — sweep backlog-sweep"), std::string::npos) << c.markdown;
    EXPECT_NE(c.markdown.find("| 16 | 17 | 21 ‼ | 17 | 17 |"), std::string::npos) << c.markdown;
    EXPECT_NE(c.markdown.find("| 64 | 65 | 65 | 65 | 66 ≠ |"), std::string::npos) << c.markdown;
    EXPECT_NE(c.markdown.find("| 256 | 257 | 257 | 257 | missing ≠ |"), std::string::npos) << c.markdown;
    EXPECT_NE(c.markdown.find("4 value differences (1 outside each other's range), 2 verdict differences."), std::string::npos)
        << c.markdown;
    test::expect_golden(c.markdown, "sweep_comparison.md");
}

TEST(SweepComparison, GridPointsOnlyOneSweepHasAreAbsentFromTheOther) {
    auto a = gather_sweep(full_grid({{"backlog", {"16", "64"}}}, 1));
    auto b = gather_sweep(full_grid({{"backlog", {"64", "128"}}}, 1));
    SweepComparison c = compare_sweeps({a, b});
    EXPECT_NE(c.markdown.find("| backlog | accept_queue · A | accept_queue · B |"), std::string::npos) << c.markdown;
    EXPECT_NE(c.markdown.find("| 16 | 17 | absent ≠ |"), std::string::npos) << c.markdown;
    EXPECT_NE(c.markdown.find("| 128 | absent | 129 ≠ |"), std::string::npos) << c.markdown;
    EXPECT_EQ(c.differences.at(0), "backlog=16 — accept_queue: A 17 n=1 vs B not in its grid");
    EXPECT_EQ(c.differences.at(1), "backlog=128 — accept_queue: A not in its grid vs B 129 n=1");
    EXPECT_EQ(c.verdict_differences, 0u);  // absent points are value differences already
}

TEST(SweepComparison, ThreeSweepsAreEachComparedWithTheFirst) {
    auto ra = full_grid({{"backlog", {"16"}}}, 1);
    auto rb = ra, rc = ra;
    test::set_metric(rc[0].record, "accept_queue", 18);
    SweepComparison c = compare_sweeps({gather_sweep(ra), gather_sweep(rb), gather_sweep(rc)});
    ASSERT_EQ(c.differences.size(), 1u);
    EXPECT_EQ(c.differences[0], "backlog=16 — accept_queue: A 17 n=1 vs C 18 n=1 — outside each other's range");
    EXPECT_NE(c.markdown.find("| 16 | 17 | 17 | 18 ‼ |"), std::string::npos) << c.markdown;
}

}  // namespace
}  // namespace lab::analysis
