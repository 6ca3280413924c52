// visit_sweep_cells: a sweep's cells parsed and validated one at a time, each handed over as soon as it is
// valid and none kept by the plan, so that `lab sweep --dry-run` and `lab validate` hold one parsed cell
// whatever the grid. What it hands over is what plan_sweep keeps, cell for cell.
#include "runner/sweep_plan.hpp"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/scenario_parser.hpp"
#include "tests/unit/runner/scenario_parsing.hpp"

namespace lab::runner {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

using test::kRoomy;

// backlog (1, 4, 8) × delay (0ms, 25ms) and a point: 7 cells. The client's step is due at backlog × 100 ms.
constexpr const char* kVisitedGrid = R"([scenario]
name = "visited"
summary = "a 3 x 2 grid and a point"
time_limit = "9s"

[sweep]
points = [{ backlog = 64, delay = "0ms" }]
[sweep.vars]
backlog = [1, 4, 8]
delay = ["0ms", "25ms"]

[hosts.server]
[hosts.client]

[[links]]
ends = ["server", "client"]
impair = { delay = "${sweep.delay}" }

[[steps]]
at = "0s"
run = { name = "srv", host = "server", agent = "server", args = ["--backlog", "${sweep.backlog}"] }
[[steps]]
at = "${sweep.backlog}00ms"
run = { name = "cli", host = "client", agent = "client", args = ["--target", "${hosts.server.addr}:7000"], copies = "${sweep.backlog} - 1" }
)";

class SweepVisitTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::path(::testing::TempDir()) /
               ("sweep-visit-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write(const std::string& text) {
        const std::string path = (dir_ / "s.toml").string();
        std::ofstream(path) << text;
        return path;
    }

    fs::path dir_;
};

std::string without_backlog_1(std::string text) {
    text.replace(text.find("[1, 4, 8]"), 9, "[4, 8]");
    return text;
}

TEST_F(SweepVisitTest, EachValidCellIsHandedOverInGridOrderAndThePlanKeepsOnlyItsOutline) {
    const std::string path = write(without_backlog_1(kVisitedGrid));
    std::vector<std::size_t> indices;
    std::vector<std::string> ids, described;
    const SweepPlan plan = visit_sweep_cells(path, {}, kRoomy, [&](std::size_t index, Scenario&& cell) {
        indices.push_back(index);
        ASSERT_TRUE(cell.sweep.has_value());
        ids.push_back(cell.sweep->cell_id);
        described.push_back(describe_cell(cell.sweep->values));
        EXPECT_EQ(cell.steps.back().run.copies, static_cast<int>(cell.sweep->values[0].number.value_or(0)) - 1);
    });
    EXPECT_THAT(indices, ElementsAre(0u, 1u, 2u, 3u, 4u));
    EXPECT_THAT(described, ElementsAre("backlog=4 delay=0ms", "backlog=4 delay=25ms", "backlog=8 delay=0ms",
                                       "backlog=8 delay=25ms", "backlog=64 delay=0ms"));
    EXPECT_TRUE(plan.cells.empty()) << "the visitor keeps what it wants; the plan keeps no parsed cell";
    ASSERT_EQ(plan.outline.size(), 5u);
    for (std::size_t i = 0; i < plan.outline.size(); ++i) {
        EXPECT_EQ(plan.outline[i].cell_id, ids[i]);
        EXPECT_EQ(describe_cell(plan.outline[i].values), described[i]);
        EXPECT_EQ(plan.outline[i].time_limit, std::chrono::seconds(9));
    }
    EXPECT_EQ(plan.outline[0].last_step_at, std::chrono::milliseconds(400));
    EXPECT_EQ(plan.outline[4].last_step_at, std::chrono::milliseconds(6400));
    EXPECT_EQ(plan.spec.label, "visited");
}

TEST_F(SweepVisitTest, WhatIsVisitedIsWhatPlanSweepKeepsAndWhatLabRunSetParses) {
    const std::string text = without_backlog_1(kVisitedGrid);
    const std::string path = write(text);
    const SweepPlan kept = plan_sweep(path, {}, kRoomy);
    const SweepPlan outlined = outline_sweep(path, {}, kRoomy);
    ASSERT_EQ(kept.cells.size(), 5u);
    ASSERT_EQ(outlined.outline.size(), 5u);
    EXPECT_TRUE(outlined.cells.empty());
    EXPECT_EQ(kept.text_hash, outlined.text_hash);
    for (std::size_t i = 0; i < kept.cells.size(); ++i) {
        const record::SweepRun& run = *kept.cells[i].sweep;
        // Every field as the parser's own sweep_run_of gives it for this cell and text.
        const record::SweepRun expected = sweep_run_of(kept.spec, run.values, text);
        EXPECT_EQ(run.cell_id, expected.cell_id);
        EXPECT_EQ(run.sweep, expected.sweep);
        EXPECT_EQ(describe_cell(run.values), describe_cell(expected.values));
        ASSERT_EQ(run.variables.size(), expected.variables.size());
        for (std::size_t v = 0; v < run.variables.size(); ++v) EXPECT_EQ(run.variables[v].values, expected.variables[v].values);
        EXPECT_EQ(run.grid, expected.grid);
        EXPECT_EQ(run.rows, expected.rows);
        EXPECT_EQ(run.columns, expected.columns);
        EXPECT_EQ(outlined.outline[i].cell_id, run.cell_id);
        EXPECT_EQ(kept.outline[i].cell_id, run.cell_id);
        std::map<std::string, std::string> set;
        for (const auto& v : run.values) set[v.name] = v.text;
        EXPECT_EQ(parse_scenario_file(path, kRoomy, set).sweep->cell_id, run.cell_id);
    }
}

TEST_F(SweepVisitTest, ACellWithAProblemIsNotVisitedAndTheProblemsComeAfterTheLastCell) {
    // copies = backlog - 1 is 0 where backlog is 1: two of the seven cells.
    const std::string path = write(kVisitedGrid);
    std::vector<std::string> visited;
    try {
        visit_sweep_cells(path, {}, kRoomy, [&](std::size_t, Scenario&& cell) { visited.push_back(describe_cell(cell.sweep->values)); });
        ADD_FAILURE() << "expected a ScenarioError";
    } catch (const ScenarioError& e) {
        ASSERT_EQ(e.diagnostics().size(), 1u);
        EXPECT_THAT(e.diagnostics()[0], HasSubstr(":24:"));
        EXPECT_THAT(e.diagnostics()[0], HasSubstr("'copies' = 0 is out of range [1, 10000] [in 2 of 7 sweep cells: "
                                                  "backlog=1 delay=0ms; backlog=1 delay=25ms]"));
    }
    EXPECT_THAT(visited, ElementsAre("backlog=4 delay=0ms", "backlog=4 delay=25ms", "backlog=8 delay=0ms",
                                     "backlog=8 delay=25ms", "backlog=64 delay=0ms"));
    EXPECT_THAT(sweep_cell_problems(path, kRoomy), ElementsAre(HasSubstr("[in 2 of 7 sweep cells: backlog=1 delay=0ms")));
}

// A problem every cell has is said once, its text kept once however many cells report it.
TEST_F(SweepVisitTest, AProblemOfEveryCellOfABigGridIsSaidOnce) {
    std::string text = kVisitedGrid;
    std::string many;
    for (int i = 2; i <= 501; ++i) many += (i > 2 ? ", " : "") + std::to_string(i);
    text.replace(text.find("[1, 4, 8]"), 9, "[" + many + "]");
    text.replace(text.find("time_limit = \"9s\""), 17, "time_limit = \"99s\"\nnope = 1");
    std::size_t visited = 0;
    try {
        visit_sweep_cells(write(text), {}, kRoomy, [&](std::size_t, Scenario&&) { ++visited; });
        ADD_FAILURE() << "expected a ScenarioError";
    } catch (const ScenarioError& e) {
        ASSERT_EQ(e.diagnostics().size(), 1u);
        EXPECT_THAT(e.diagnostics()[0], HasSubstr(":5:1: "));
        EXPECT_THAT(e.diagnostics()[0], Not(HasSubstr("sweep cells")));
    }
    EXPECT_EQ(visited, 0u);
}

TEST(SweepCellIds, AreTheIdsOfSweepCellId) {
    const std::string text = "[sweep]\n[sweep.vars]\nbacklog = [1, 30]\n";
    const SweepCellIds ids(text);
    const SweepCell cell{{"backlog", "30", 30}};
    EXPECT_EQ(ids(cell), sweep_cell_id(text, cell));
    EXPECT_EQ(ids({}), sweep_cell_id(text, {}));
    EXPECT_NE(ids(cell), SweepCellIds(text + "#\n")(cell));
}

}  // namespace
}  // namespace lab::runner
