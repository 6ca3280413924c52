#include "analysis/sweep.hpp"

#include <algorithm>

#include <gtest/gtest.h>

#include "sweep_records.hpp"

namespace lab::analysis {
namespace {

using test::backlog_by_cookies;
using test::full_grid;
using test::stored;
using test::sweep_record;

bool any_contains(const std::vector<std::string>& lines, const std::string& needle) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(needle) != std::string::npos; });
}

TEST(SweepGather, BuildsTheGridInDeclaredOrderWithTheLastVariableFastest) {
    auto records = full_grid(backlog_by_cookies());
    std::reverse(records.begin(), records.end());  // records arrive in any order
    Sweep s = gather_sweep(records);
    EXPECT_EQ(s.label, "backlog-sweep");
    EXPECT_EQ(s.scenario, "backlog-overflow");
    EXPECT_EQ(s.repeats, 3);
    ASSERT_EQ(s.axes.size(), 2u);
    EXPECT_EQ(s.axes[0].name, "backlog");
    EXPECT_EQ(s.axes[1].values, (std::vector<std::string>{"0", "1"}));
    ASSERT_EQ(s.cells.size(), 6u);
    EXPECT_EQ(s.cells[0].name, "backlog=16, tcp_syncookies=0");
    EXPECT_EQ(s.cells[1].name, "backlog=16, tcp_syncookies=1");
    EXPECT_EQ(s.cells[5].name, "backlog=256, tcp_syncookies=1");
    EXPECT_EQ(s.cells[5].cell_id, "c-256-1");
    EXPECT_EQ(s.run_count(), 18u);
    for (const auto& cell : s.cells) {
        ASSERT_EQ(cell.runs.size(), 3u) << cell.name;
        for (int rep = 0; rep < 3; ++rep) EXPECT_EQ(cell.runs[rep].record.sweep->repeat, rep);  // sorted by repeat
    }
    EXPECT_EQ(&s.cell_at({1, 0}), &s.cells[2]);
    EXPECT_TRUE(s.missing_cells().empty());
    EXPECT_TRUE(s.duplicates.empty());
    EXPECT_TRUE(s.rejected.empty());
    EXPECT_TRUE(s.incomplete.empty());
    EXPECT_EQ(s.kernels, (std::vector<std::string>{"6.18.44-fc-v669"}));
    EXPECT_EQ(s.backends, (std::vector<std::string>{"userspace"}));
    ASSERT_EQ(s.metrics.size(), 2u);
    EXPECT_EQ(s.metrics[0].id, "accept_queue");
    // The numbers the scenario wrote are kept per value, for numeric plot axes.
    ASSERT_TRUE(s.axes[0].numbers[2].has_value());
    EXPECT_EQ(*s.axes[0].numbers[2], 256);
}

TEST(SweepGather, NamesEveryCellWithoutARecordAsMissing) {
    auto records = full_grid(backlog_by_cookies(), 2);
    std::erase_if(records, [](const StoredRecord& r) { return r.record.sweep->cell_id == "c-64-1"; });
    Sweep s = gather_sweep(records);
    auto missing = s.missing_cells();
    ASSERT_EQ(missing.size(), 1u);
    EXPECT_EQ(missing[0]->name, "backlog=64, tcp_syncookies=1");
    EXPECT_EQ(missing[0]->cell_id, "");
    EXPECT_EQ(s.run_count(), 10u);
    EXPECT_TRUE(s.incomplete.empty());  // a missing cell is not also an incomplete one
}

TEST(SweepGather, AnExcludedCombinationIsNotACellAndSoNeverMissing) {
    auto records = full_grid(backlog_by_cookies(), 2);
    std::erase_if(records, [](const StoredRecord& r) { return r.record.sweep->cell_id == "c-256-0"; });
    for (auto& r : records) r.record.sweep->grid.exclude = {{{"backlog", "256"}, {"tcp_syncookies", "0"}}};
    Sweep s = gather_sweep(records);
    ASSERT_EQ(s.cells.size(), 6u);  // the table keeps its shape
    EXPECT_FALSE(s.cell_at({2, 0}).in_grid);
    EXPECT_TRUE(s.cell_at({2, 1}).in_grid);
    EXPECT_TRUE(s.missing_cells().empty());
    EXPECT_EQ(s.grid_cell_count(), 5u);
    // The same records with a cell that is in the grid dropped: that one is missing.
    std::erase_if(records, [](const StoredRecord& r) { return r.record.sweep->cell_id == "c-16-1"; });
    Sweep fewer = gather_sweep(records);
    ASSERT_EQ(fewer.missing_cells().size(), 1u);
    EXPECT_EQ(fewer.missing_cells()[0]->name, "backlog=16, tcp_syncookies=1");
}

TEST(SweepGather, AZipGroupMakesOnlyItsLockstepCells) {
    auto records = full_grid(backlog_by_cookies(), 1);
    std::erase_if(records, [](const StoredRecord& r) {
        return r.record.sweep->cell_id != "c-16-0" && r.record.sweep->cell_id != "c-64-1";
    });
    for (auto& r : records) {
        r.record.sweep->grid.listed = {2, 2};
        r.record.sweep->grid.zip = {{"backlog", "tcp_syncookies"}};
    }
    Sweep s = gather_sweep(records);
    EXPECT_EQ(s.grid_cell_count(), 2u);
    EXPECT_TRUE(s.missing_cells().empty());
    EXPECT_TRUE(s.cell_at({0, 0}).in_grid);
    EXPECT_FALSE(s.cell_at({0, 1}).in_grid);
    EXPECT_TRUE(s.cell_at({1, 1}).in_grid);
}

TEST(SweepGather, KeepsTheFirstOfTwoRecordsOfTheSameCellAndRepeatAndNamesTheOther) {
    auto records = full_grid(backlog_by_cookies(), 2);
    StoredRecord again = stored(records, {"16", "1"}, 1);
    again.source = "shard-b/record.json";
    test::set_metric(again.record, "accept_queue", 99);
    records.push_back(again);
    Sweep s = gather_sweep(records);
    ASSERT_EQ(s.duplicates.size(), 1u);
    EXPECT_EQ(s.duplicates[0],
              "shard-b/record.json: cell backlog=16, tcp_syncookies=1 repeat 1 again (kept "
              "runs/backlog-overflow/run-16-1-r1/record.json)");
    const SweepCell& cell = s.cell_at({0, 1});
    ASSERT_EQ(cell.runs.size(), 2u);
    EXPECT_EQ(*cell.runs[1].record.metric_values[0].value, 17);  // the first one's value
    EXPECT_EQ(s.run_count(), 12u);
}

TEST(SweepGather, NamesCellsThatLackSomeRepeats) {
    auto records = full_grid(backlog_by_cookies(), 3);
    std::erase_if(records, [](const StoredRecord& r) {
        return r.record.sweep->cell_id == "c-256-0" && r.record.sweep->repeat != 1;
    });
    Sweep s = gather_sweep(records);
    ASSERT_EQ(s.incomplete.size(), 1u);
    EXPECT_EQ(s.incomplete[0], "backlog=256, tcp_syncookies=0: 1 of 3 repeats (no record of repeat 0, 2)");
    EXPECT_TRUE(s.missing_cells().empty());
}

TEST(SweepGather, LeavesOutRecordsOfAnotherSweepAndSaysWhy) {
    auto records = full_grid(backlog_by_cookies(), 1);
    auto vars = backlog_by_cookies();

    auto plain = sweep_record(vars, {"16", "0"}, 0, 1);
    plain.sweep.reset();
    records.push_back({"plain/record.json", plain});

    auto other_label = sweep_record(vars, {"16", "0"}, 0, 1);
    other_label.sweep->sweep = "other-sweep";
    records.push_back({"other/record.json", other_label});

    auto other_axes = sweep_record({{"backlog", {"16", "64"}}, {"tcp_syncookies", {"0", "1"}}}, {"16", "0"}, 0, 1);
    records.push_back({"axes/record.json", other_axes});

    auto off_grid = sweep_record(vars, {"16", "0"}, 0, 1);
    off_grid.sweep->values[0].text = "17";
    records.push_back({"offgrid/record.json", off_grid});

    auto bad_repeat = sweep_record(vars, {"16", "0"}, 3, 3);
    records.push_back({"repeat/record.json", bad_repeat});

    auto other_id = sweep_record(vars, {"64", "1"}, 1, 2);
    other_id.sweep->cell_id = "edited";
    records.push_back({"edited/record.json", other_id});

    auto other_scenario = sweep_record(vars, {"16", "0"}, 0, 1);
    other_scenario.scenario.name = "something-else";
    records.push_back({"scenario/record.json", other_scenario});

    Sweep s = gather_sweep(records);
    EXPECT_EQ(s.run_count(), 6u);
    ASSERT_EQ(s.rejected.size(), 7u);
    EXPECT_EQ(s.rejected[0], "plain/record.json: not a sweep run (the record has no sweep cell)");
    EXPECT_EQ(s.rejected[1], "other/record.json: of sweep 'other-sweep', not 'backlog-sweep'");
    EXPECT_EQ(s.rejected[2],
              "axes/record.json: its axes (backlog: 16, 64 × tcp_syncookies: 0, 1) differ from the sweep's "
              "(backlog: 16, 64, 256 × tcp_syncookies: 0, 1)");
    EXPECT_EQ(s.rejected[3], "offgrid/record.json: its value backlog=17 is not on the grid (16, 64, 256)");
    EXPECT_EQ(s.rejected[4], "repeat/record.json: its repeat 3 is outside 0..2");
    EXPECT_TRUE(any_contains({s.rejected[5]}, "edited/record.json: cell backlog=64, tcp_syncookies=1 has id edited here, c-64-1 in"));
    EXPECT_EQ(s.rejected[6], "scenario/record.json: of scenario 'something-else', not 'backlog-overflow'");
    EXPECT_TRUE(s.duplicates.empty());
}

TEST(SweepGather, RecordsWithoutASourceAreNamedByTheirRunDirectory) {
    auto vars = backlog_by_cookies();
    auto a = sweep_record(vars, {"16", "0"}, 0, 1);
    auto b = a;
    Sweep s = gather_sweep({{"", a}, {"", b}});
    ASSERT_EQ(s.duplicates.size(), 1u);
    EXPECT_EQ(s.duplicates[0].rfind("runs/backlog-overflow/run-16-0-r0: cell backlog=16", 0), 0u) << s.duplicates[0];
}

TEST(SweepGather, WithoutAnySweepRecordThereIsNoGridAndEveryRecordIsNamed) {
    auto r = sweep_record(backlog_by_cookies(), {"16", "0"}, 0, 1);
    r.sweep.reset();
    Sweep s = gather_sweep({{"a.json", r}, {"b.json", r}});
    EXPECT_TRUE(s.axes.empty());
    EXPECT_TRUE(s.cells.empty());
    EXPECT_EQ(s.rejected, (std::vector<std::string>{"a.json: not a sweep run (the record has no sweep cell)",
                                                    "b.json: not a sweep run (the record has no sweep cell)"}));
}

TEST(SweepGather, TheLargestRepeatCountIsTheSweeps) {
    auto vars = backlog_by_cookies();
    Sweep s = gather_sweep({{"a", sweep_record(vars, {"16", "0"}, 0, 2)}, {"b", sweep_record(vars, {"16", "0"}, 3, 5)}});
    EXPECT_EQ(s.repeats, 5);
    ASSERT_EQ(s.incomplete.size(), 1u);
    EXPECT_EQ(s.incomplete[0], "backlog=16, tcp_syncookies=0: 2 of 5 repeats (no record of repeat 1, 2, 4)");
}

}  // namespace
}  // namespace lab::analysis
