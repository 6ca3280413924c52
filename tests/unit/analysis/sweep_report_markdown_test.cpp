// report.md of a sweep, against golden files: pivot tables, marks, missing and duplicated cells, one-,
// two- and three-variable sweeps.
#include "analysis/sweep_report_markdown.hpp"

#include <gtest/gtest.h>

#include "golden_file.hpp"
#include "sweep_records.hpp"

namespace lab::analysis {
namespace {

using test::backlog_by_cookies;
using test::expect_golden;
using test::full_grid;
using test::stored;

// A 3 × 2 grid of 3 repeats with one of everything a report must show.
std::vector<StoredRecord> eventful_grid() {
    auto records = full_grid(backlog_by_cookies(), 3);
    // connect() medians that vary between repeats.
    double p50[] = {25.5, 26.125, 24.75};
    for (auto& r : records) test::set_metric(r.record, "connect_p50", p50[r.record.sweep->repeat]);
    // 16/1: one repeat queues one more (failed and flaky).
    auto& flaky = stored(records, {"16", "1"}, 1).record;
    test::set_metric(flaky, "accept_queue", 18);
    test::fail_verdict(flaky, "18", "18 is not = 17");
    // 64/0: fails in every repeat (failed, not flaky).
    for (int rep = 0; rep < 3; ++rep) {
        auto& r = stored(records, {"64", "0"}, rep).record;
        test::set_metric(r, "accept_queue", 64);
        test::fail_verdict(r, "64", "64 is not = 65");
    }
    // 64/1 repeat 2: the run failed to run.
    auto& error = stored(records, {"64", "1"}, 2).record;
    error.run.outcome = record::RunOutcome::Error;
    error.run.outcome_detail = "setns(CLONE_NEWNET): EPERM";
    test::set_metric(error, "accept_queue", std::nullopt, "snapshot 'steady' was not taken (run outcome: error)");
    test::set_metric(error, "connect_p50", std::nullopt, "no event matched (run outcome: error)");
    // 256/1: never recorded.
    std::erase_if(records, [](const StoredRecord& r) { return r.record.sweep->cell_id == "c-256-1"; });
    // A second copy of 16/0 repeat 0 from another shard, and a record of another sweep.
    StoredRecord again = stored(records, {"16", "0"}, 0);
    again.source = "shard-b/runs/backlog-overflow/run-16-0-r0/record.json";
    records.push_back(again);
    StoredRecord other = stored(records, {"16", "0"}, 1);
    other.source = "elsewhere/record.json";
    other.record.sweep->sweep = "rate-sweep";
    records.push_back(other);
    return records;
}

TEST(SweepReportMarkdown, TwoVariablesWithFlakyFailedErrorMissingAndDuplicatedCells) {
    expect_golden(sweep_report_markdown(gather_sweep(eventful_grid())), "sweep_two_variables.md");
}

TEST(SweepReportMarkdown, OneVariableGivesOneColumnTables) {
    auto records = full_grid({{"backlog", {"16", "64", "256"}}}, 2);
    test::set_metric(stored(records, {"256"}, 1).record, "accept_queue", 250);
    expect_golden(sweep_report_markdown(gather_sweep(records)), "sweep_one_variable.md");
}

TEST(SweepReportMarkdown, ThreeVariablesGiveATablePerValueOfTheThirdInTheScenariosPivot) {
    std::vector<record::SweepVariable> vars = {
        {"backlog", {"16", "64"}}, {"tcp_syncookies", {"0", "1"}}, {"tcp_abort_on_overflow", {"0", "1"}}};
    auto records = full_grid(vars, 1);
    for (auto& r : records) {
        r.record.sweep->rows = "backlog";
        r.record.sweep->columns = "tcp_abort_on_overflow";
        if (r.record.sweep->values[2].text == "1") test::set_metric(r.record, "accept_queue", 0);
    }
    expect_golden(sweep_report_markdown(gather_sweep(records)), "sweep_three_variables.md");
}

TEST(SweepReportMarkdown, AnExcludedCellIsADotNotMissing) {
    auto records = full_grid(backlog_by_cookies(), 1);
    std::erase_if(records, [](const StoredRecord& r) { return r.record.sweep->cell_id == "c-256-0"; });
    for (auto& r : records) r.record.sweep->grid.exclude = {{{"backlog", "256"}, {"tcp_syncookies", "0"}}};
    const std::string md = sweep_report_markdown(gather_sweep(records));
    EXPECT_NE(md.find("| 256 | · |"), std::string::npos) << md;
    EXPECT_EQ(md.find("| missing"), std::string::npos) << md;
    EXPECT_NE(md.find("5 recorded of 5"), std::string::npos) << md;
}

TEST(SweepReportMarkdown, NamesAreEscapedAndAPivotChoiceThatDoesNotFitIsSaid) {
    std::vector<record::SweepVariable> vars = {{"cc|algo", {"cubic", "*bbr*"}}, {"delay", {"25ms", "<50ms>"}}};
    auto records = full_grid(vars, 1);
    for (auto& r : records) {
        r.record.sweep->rows = "no-such-variable";
        r.record.metrics[0].description = "queue | `len`";
    }
    std::string md = sweep_report_markdown(gather_sweep(records));
    EXPECT_NE(md.find("| cc\\|algo \\ delay | 25ms | \\<50ms\\> | documented |"), std::string::npos) << md;
    EXPECT_NE(md.find("| \\*bbr\\* | 7 n=1 | 7 n=1 | 31 |"), std::string::npos) << md;
    EXPECT_NE(md.find("## accept_queue — queue \\| \\`len\\` (connections)"), std::string::npos) << md;
    EXPECT_NE(md.find("  - rows variable 'no-such-variable' is not a variable of the sweep; rows are 'cc\\|algo'"),
              std::string::npos)
        << md;
}

TEST(SweepReportMarkdown, RecordsOfNoSweepGiveAReportThatSaysSo) {
    auto records = full_grid({{"backlog", {"16"}}}, 1);
    records[0].record.sweep.reset();
    std::string md = sweep_report_markdown(gather_sweep(records));
    EXPECT_NE(md.find("# sweep (no sweep records)"), std::string::npos) << md;
    EXPECT_NE(md.find("- **records not of this sweep:** 1 (left out)"), std::string::npos) << md;
    EXPECT_EQ(md.find("## accept_queue"), std::string::npos) << md;
}

}  // namespace
}  // namespace lab::analysis

namespace lab::analysis {
namespace {

// A metric that some cells cannot have (a time to reset where nothing is reset): one line per reason,
// naming the cells, rather than a line per run.
TEST(SweepReportMarkdown, ValuesMissingForOneReasonAreListedOnceWithTheirCells) {
    auto records = test::full_grid(test::backlog_by_cookies(), 3);
    for (auto& r : records)
        if (r.record.sweep->values[1].text == "1")
            test::set_metric(r.record, "connect_p50", std::nullopt, "no events matched, so there is no p50 duration");
    const std::string md = sweep_report_markdown(gather_sweep(records));
    const std::string line = "no events matched, so there is no p50 duration (in 9 runs of 3 cells: backlog=16, "
                             "tcp_syncookies=1; backlog=64, tcp_syncookies=1; backlog=256, tcp_syncookies=1)";
    EXPECT_NE(md.find("- " + line + "\n"), std::string::npos) << md;
    EXPECT_EQ(md.find("repeat 2: no events matched"), std::string::npos) << md;
}

}  // namespace
}  // namespace lab::analysis
