#include "analysis/summary_table.hpp"

#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "analysis/evaluate.hpp"
#include "analysis/text_width.hpp"
#include "sample_record.hpp"
#include "tests/unit/text_lines.hpp"

namespace lab::analysis {
namespace {

using lab::test::lines_of;

TEST(SummaryRow, TalliesARecord) {
    auto r = test::sample_record();
    auto ok = test::sockets_expect("ok", "steady", "server", {"established"});
    ok.equals = 31;
    auto bad = ok;
    bad.id = "bad";
    bad.equals = 30;
    r.expectations = {ok, bad};
    SummaryRow row = summary_row(r, evaluate(r));
    EXPECT_EQ(row.scenario, "backlog-30-netcat");
    EXPECT_EQ(row.counts.passed, 1u);
    EXPECT_EQ(row.counts.failed, 1u);
    EXPECT_EQ(row.counts.total, 2u);
    EXPECT_EQ(row.outcome, "completed");
    EXPECT_DOUBLE_EQ(row.wall_seconds, 4.2317);
}

TEST(SummaryTable, OneLinePerScenarioAndATotal) {
    std::vector<SummaryRow> rows = {
        {"backlog-30-netcat", {3, 0, 0, 3}, "completed", 4.2317},
        {"close-with-unread-data-résumé", {1, 1, 1, 3}, "time-limit", 61.0},
        {"udp-queue-overflow", {2, 0, 0, 2}, "completed", 2.5},
    };
    auto lines = lines_of(summary_table(rows));
    ASSERT_EQ(lines.size(), 7u);
    EXPECT_EQ(lines[0], "scenario                       passed  failed  outcome     wall time");
    EXPECT_EQ(lines[2], "backlog-30-netcat              3/3             completed   4.23s");
    EXPECT_EQ(lines[3], "close-with-unread-data-résumé  1/3     1       time-limit  61.0s");
    EXPECT_EQ(lines[4], "udp-queue-overflow             2/2             completed   2.50s");
    EXPECT_EQ(lines[5], "");
    EXPECT_EQ(lines[6],
              "total: 3 scenarios, 6/8 expectations passed, 1 failed, 1 skipped; runs: 2 completed, 1 time-limit; "
              "wall time summed 67.7s");
}

TEST(SummaryTable, ARunThatFellBehindItsTimelineSaysSo) {
    std::vector<SummaryRow> rows = {
        {"backlog-30-netcat-delay", {18, 0, 0, 18}, "completed", 9.9, 3.12},
        {"overflow-fixes", {21, 0, 0, 21}, "completed", 5.5},
    };
    auto lines = lines_of(summary_table(rows));
    ASSERT_EQ(lines.size(), 6u);
    EXPECT_EQ(lines[2], "backlog-30-netcat-delay  18/18           completed, 3.12s late  9.90s");
    EXPECT_EQ(lines[3], "overflow-fixes           21/21           completed              5.50s");
    EXPECT_EQ(lines[5],
              "total: 2 scenarios, 39/39 expectations passed; runs: 2 completed (1 fell behind their timeline: the "
              "machine was too busy; see their timeline line); wall time summed 15.4s");

    auto r = test::sample_record();
    r.timeline = {{"snapshot 'steady'", "s.toml:9:1", 2.5, 5.62, 5.7}, {"snapshot 'end'", "s.toml:12:1", 6, 6.3, 6.4}};
    EXPECT_NEAR(summary_row(r, evaluate(r)).late_s, 3.12, 1e-9);
    r.timeline = {{"snapshot 'steady'", "s.toml:9:1", 2.5, 2.6, 2.7}};
    EXPECT_EQ(summary_row(r, evaluate(r)).late_s, 0);
}

TEST(SummaryTable, ARunWhoseGuardFailedFellBehindToo) {
    std::vector<SummaryRow> rows = {{"backlog-30-netcat-delay", {17, 1, 0, 18}, "completed", 9.9, 0, "guard 'wave-left'"}};
    const std::string text = summary_table(rows, 200);
    EXPECT_THAT(lines_of(text)[2], testing::HasSubstr("completed, guard failed"));
    EXPECT_THAT(text, testing::HasSubstr("runs: 1 completed (1 fell behind their timeline"));
}

TEST(SummaryTable, Empty) {
    auto text = summary_table({});
    EXPECT_NE(text.find("total: 0 scenarios, 0/0 expectations passed; wall time summed 0.00s"), std::string::npos)
        << text;
}

}  // namespace
}  // namespace lab::analysis
