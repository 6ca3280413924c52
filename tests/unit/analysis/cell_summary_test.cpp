// The numbers and verdicts of one sweep cell over its repeats: spread, flaky, failed and error marks.
#include <gtest/gtest.h>

#include "analysis/cell_verdicts.hpp"
#include "analysis/metric_spread.hpp"
#include "analysis/number_text.hpp"
#include "sweep_records.hpp"

namespace lab::analysis {
namespace {

using record::VerdictStatus;
using test::backlog_by_cookies;
using test::sweep_record;

SweepCell cell_of(std::vector<record::RunRecord> runs) {
    SweepCell cell;
    cell.name = "backlog=16, tcp_syncookies=0";
    for (auto& r : runs) cell.runs.push_back({"x", std::move(r)});
    return cell;
}

TEST(MetricSpread, MedianOfAnOddCountIsTheMiddleAndOfAnEvenCountTheMeanOfTheMiddleTwo) {
    auto odd = spread_of({31, 29, 30});
    ASSERT_TRUE(odd);
    EXPECT_EQ(odd->median, 30);
    EXPECT_EQ(odd->min, 29);
    EXPECT_EQ(odd->max, 31);
    EXPECT_EQ(odd->n, 3u);
    auto even = spread_of({4, 1, 2, 10});
    ASSERT_TRUE(even);
    EXPECT_EQ(even->median, 3);
    EXPECT_EQ(even->n, 4u);
    EXPECT_FALSE(spread_of({}));
}

TEST(MetricSpread, TextShowsTheRangeOnlyWhenTheRepeatsDisagree) {
    EXPECT_EQ(spread_text(spread_of({31, 29, 30})), "30 [29–31] n=3");
    EXPECT_EQ(spread_text(spread_of({31, 31, 31})), "31 n=3");
    EXPECT_EQ(spread_text(spread_of({0.1234, 0.5})), "0.312 [0.123–0.5] n=2");
    EXPECT_EQ(spread_text(std::nullopt), "—");
}

TEST(MetricSpread, CompactNumbersAreIntegersOrThreeSignificantDigits) {
    EXPECT_EQ(compact_number_text(31), "31");
    EXPECT_EQ(compact_number_text(-4), "-4");
    EXPECT_EQ(compact_number_text(1.0 / 3), "0.333");
    EXPECT_EQ(compact_number_text(25.55), "25.6");
    EXPECT_EQ(compact_number_text(999.7), "1000");
    EXPECT_EQ(compact_number_text(123456.7), "123457");
    EXPECT_EQ(compact_number_text(0.0000123), "1.23e-05");
    EXPECT_EQ(compact_number_text(-0.0001), "-0.0001");
    EXPECT_EQ(exact_number_text(0.1), "0.1");
    EXPECT_EQ(exact_number_text(31), "31");
    EXPECT_EQ(exact_number_text(1.0 / 3), "0.3333333333333333");
}

TEST(MetricSpread, RepeatsWithoutAValueAreLeftOutAndSayWhy) {
    auto vars = backlog_by_cookies();
    auto a = sweep_record(vars, {"16", "0"}, 0);
    auto b = sweep_record(vars, {"16", "0"}, 1);
    test::set_metric(b, "accept_queue", std::nullopt, "snapshot 'steady' was not taken (run outcome: error)");
    auto c = sweep_record(vars, {"16", "0"}, 2);
    c.metric_values.clear();
    CellMetric m = cell_metric(cell_of({a, b, c}), "accept_queue");
    ASSERT_TRUE(m.spread);
    EXPECT_EQ(m.spread->n, 1u);
    EXPECT_EQ(m.spread->median, 17);
    ASSERT_EQ(m.problems.size(), 2u);
    EXPECT_EQ(m.problems[0], "repeat 1: snapshot 'steady' was not taken (run outcome: error)");
    EXPECT_EQ(m.problems[1], "repeat 2: not measured (the record holds no value for it)");
}

TEST(CellVerdicts, AllPassingRepeatsHaveNoMarks) {
    auto vars = backlog_by_cookies();
    CellVerdicts v = cell_verdicts(cell_of({sweep_record(vars, {"16", "0"}, 0), sweep_record(vars, {"16", "0"}, 1)}));
    EXPECT_EQ(v.runs, 2u);
    EXPECT_EQ(v.counts.passed, 2u);
    EXPECT_FALSE(v.failed());
    EXPECT_FALSE(v.flaky());
    EXPECT_FALSE(v.not_completed());
    EXPECT_EQ(cell_marks(v), "");
}

TEST(CellVerdicts, AVerdictThatDiffersBetweenRepeatsIsFlakyAndFailed) {
    auto vars = backlog_by_cookies();
    auto a = sweep_record(vars, {"16", "0"}, 0);
    auto b = sweep_record(vars, {"16", "0"}, 1);
    test::fail_verdict(b, "18", "18 is not = 17");
    auto c = sweep_record(vars, {"16", "0"}, 2);
    test::fail_verdict(c, "19", "19 is not = 17");
    CellVerdicts v = cell_verdicts(cell_of({a, b, c}));
    EXPECT_TRUE(v.failed());
    EXPECT_TRUE(v.flaky());
    EXPECT_EQ(cell_marks(v), "✗↯");
    ASSERT_EQ(v.expectations.size(), 1u);
    const auto& t = v.expectations[0];
    EXPECT_EQ(t.passed, 1u);
    EXPECT_EQ(t.failed, 2u);
    EXPECT_EQ(t.outcome_text(), "fail 2/3, pass 1/3");
    EXPECT_EQ(t.failed_observed, (std::vector<std::string>{"18", "19"}));
    EXPECT_EQ(t.expected, (std::vector<std::string>{"= 17"}));
}

TEST(CellVerdicts, FailingInEveryRepeatIsFailedButNotFlaky) {
    auto vars = backlog_by_cookies();
    auto a = sweep_record(vars, {"16", "0"}, 0);
    auto b = sweep_record(vars, {"16", "0"}, 1);
    test::fail_verdict(a, "18", "");
    test::fail_verdict(b, "18", "");
    CellVerdicts v = cell_verdicts(cell_of({a, b}));
    EXPECT_EQ(cell_marks(v), "✗");
}

TEST(CellVerdicts, AnErrorRunIsMarkedButNotJudgedSoItDoesNotMakeTheCellFlaky) {
    auto vars = backlog_by_cookies();
    auto a = sweep_record(vars, {"16", "0"}, 0);
    auto b = sweep_record(vars, {"16", "0"}, 1);
    b.run.outcome = record::RunOutcome::Error;
    b.run.outcome_detail = "setns: EPERM";
    test::fail_verdict(b, "—", "snapshot not taken");
    auto c = sweep_record(vars, {"16", "0"}, 2);
    c.run.outcome = record::RunOutcome::TimeLimit;
    CellVerdicts v = cell_verdicts(cell_of({a, b, c}));
    EXPECT_EQ(v.errors, 1u);
    EXPECT_EQ(v.unfinished, 1u);
    EXPECT_EQ(v.counts.total, 2u);
    EXPECT_FALSE(v.flaky());
    EXPECT_FALSE(v.failed());
    EXPECT_EQ(cell_marks(v), "⚠");
    EXPECT_EQ(v.outcome_details, (std::vector<std::string>{"repeat 1: error: setns: EPERM", "repeat 2: time-limit"}));
    EXPECT_EQ(mark_legend().size(), 3u);
}

}  // namespace
TEST(CellVerdicts, AnInterruptedRunIsMarkedButItsUnfinishedVerdictsAreNotFailures) {
    auto vars = backlog_by_cookies();
    auto a = sweep_record(vars, {"16", "0"}, 0);
    auto b = sweep_record(vars, {"16", "0"}, 1);
    b.run.outcome = record::RunOutcome::Interrupted;
    b.run.outcome_detail = "SIGINT";
    test::fail_verdict(b, "—", "snapshot 'steady' was not taken");
    CellVerdicts v = cell_verdicts(cell_of({a, b}));
    EXPECT_EQ(v.interrupted, 1u);
    EXPECT_EQ(v.errors, 0u);
    EXPECT_EQ(v.counts.total, 1u);
    EXPECT_FALSE(v.failed());
    EXPECT_FALSE(v.flaky());
    EXPECT_EQ(cell_marks(v), "⚠");
    EXPECT_EQ(v.outcome_details, (std::vector<std::string>{"repeat 1: interrupted: SIGINT"}));
}

}  // namespace lab::analysis
