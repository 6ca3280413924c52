// plan_sweep: a scenario file's grid expanded, narrowed by the command line, and every cell parsed before
// anything runs; a problem is reported once, with the cells it holds in when it does not hold in all.
#include "runner/sweep_plan.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
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
using ::testing::MatchesRegex;

using test::kRoomy;

// backlog (1, 4, 8) × delay (0ms, 25ms) = 6 cells, valid in every one.
constexpr const char* kGrid = R"([scenario]
name = "grid"
summary = "a valid 3 x 2 grid"
time_limit = "9s"

[sweep]
points = [{ backlog = 64, delay = "0ms" }]
[sweep.vars]
backlog = [1, 4, 8]
delay = ["0ms", "25ms"]
[sweep.defaults]
backlog = 4

[hosts.server]
sysctl = { "net.ipv4.tcp_max_syn_backlog" = "${sweep.backlog}" }
[hosts.client]

[[links]]
ends = ["server", "client"]
impair = { delay = "${sweep.delay}" }

[[steps]]
at = "${sweep.backlog}00ms"
run = { name = "srv", host = "server", agent = "server", args = ["--backlog", "${sweep.backlog}"], copies = "${sweep.backlog}" }

[[expect]]
id = "queue"
host = "server"
sockets = { state = "listen", metric = "recv_q" }
equals = "${sweep.backlog} + 1"
)";

// A scratch directory of the test's own for scenario files (no kernel state: plan_sweep only reads them).
class SweepPlanTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::path(::testing::TempDir()) /
               ("sweep-plan-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write(const std::string& text) {
        const std::string path = (dir_ / "s.toml").string();
        std::ofstream(path) << text;
        return path;
    }

    // The diagnostics of a plan that must fail, with the scratch directory's path cut to "s.toml".
    std::vector<std::string> problems(const std::string& text, const SweepOverrides& o = {}) {
        const std::string path = write(text);
        try {
            plan_sweep(path, o, kRoomy);
        } catch (const ScenarioError& e) {
            std::vector<std::string> out;
            for (std::string d : e.diagnostics()) {
                EXPECT_EQ(d.rfind(path + ":", 0), 0u) << d;
                EXPECT_THAT(d.substr(path.size()), MatchesRegex(":[1-9][0-9]*:[1-9][0-9]*: .+")) << d;
                if (d.rfind(path, 0) == 0) d.replace(0, path.size(), "s.toml");
                out.push_back(d);
            }
            return out;
        }
        ADD_FAILURE() << "expected a ScenarioError";
        return {};
    }

    std::vector<std::string> cells_of(const SweepPlan& plan) {
        std::vector<std::string> out;
        for (const auto& c : plan.cells) out.push_back(describe_cell(c.sweep->values));
        return out;
    }

    fs::path dir_;
};

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

TEST_F(SweepPlanTest, EveryCellIsParsedForItsOwnValuesInGridOrder) {
    const SweepPlan plan = plan_sweep(write(kGrid), {}, kRoomy);
    EXPECT_THAT(cells_of(plan), ElementsAre("backlog=1 delay=0ms", "backlog=1 delay=25ms", "backlog=4 delay=0ms",
                                            "backlog=4 delay=25ms", "backlog=8 delay=0ms", "backlog=8 delay=25ms",
                                            "backlog=64 delay=0ms"));
    ASSERT_EQ(plan.cells.size(), 7u);
    EXPECT_EQ(plan.cells[2].expectations[0].equals, 5);
    EXPECT_EQ(plan.cells[5].steps[0].run.copies, 8);
    EXPECT_EQ(plan.cells[6].hosts[0].sysctls[0].value, "64");
    EXPECT_EQ(plan.spec.label, "grid");
    EXPECT_EQ(plan.text_hash, sweep_cell_id(kGrid, {}));
    EXPECT_EQ(plan.cells[0].sweep->variables[0].values, (std::vector<std::string>{"1", "4", "8", "64"}));
}

TEST_F(SweepPlanTest, AProblemOfSomeCellsNamesThemAndOneOfEveryCellIsSaidOnce) {
    std::string text = replaced(kGrid, "time_limit = \"9s\"", "time_limit = \"5s\"");
    text = replaced(text, "copies = \"${sweep.backlog}\"", "copies = \"${sweep.backlog} - 1\"");
    text = replaced(text, "\"net.ipv4.tcp_max_syn_backlog\"", "\"net.core.netdev_max_backlog\"");
    text = replaced(text, "equals = \"${sweep.backlog} + 1\"", "equals = \"${sweep.backlog} + 1\"\nwhen = \"${sweep.nope} == 1\"");
    EXPECT_THAT(problems(text),
                ElementsAre("s.toml:15:12: net.core.netdev_max_backlog is one value for the whole machine: a scenario "
                            "may not change it (net.core keeps only somaxconn, optmem_max, txrehash, tstamp_allow_data, "
                            "rps_default_mask and xfrm_* per network namespace)",
                            "s.toml:24:109: 'copies' = 0 is out of range [1, 10000] [in 2 of 7 sweep cells: "
                            "backlog=1 delay=0ms; backlog=1 delay=25ms]",
                            "s.toml:31:8: '${sweep.nope}' names no variable of [sweep] (declared: backlog, delay)",
                            "s.toml:23:6: step at 6.4s is after the time limit 5s [in 1 of 7 sweep cells: backlog=64 "
                            "delay=0ms]"));
    const auto many = problems(replaced(kGrid, "time_limit = \"9s\"", "time_limit = \"700ms\""));
    EXPECT_THAT(many, ElementsAre("s.toml:23:6: step at 800ms is after the time limit 700ms [in 2 of 7 sweep cells: "
                                  "backlog=8 delay=0ms; backlog=8 delay=25ms]",
                                  "s.toml:23:6: step at 6.4s is after the time limit 700ms [in 1 of 7 sweep cells: "
                                  "backlog=64 delay=0ms]"));
    const auto four = problems(replaced(kGrid, "copies = \"${sweep.backlog}\"", "copies = \"${sweep.backlog} / 8\""));
    ASSERT_EQ(four.size(), 2u);
    EXPECT_EQ(four[0], "s.toml:24:109: 'copies' works out to 0.125 in this cell, not an integer [in 2 of 7 sweep cells: "
                       "backlog=1 delay=0ms; backlog=1 delay=25ms]");
    EXPECT_EQ(four[1], "s.toml:24:109: 'copies' works out to 0.5 in this cell, not an integer [in 2 of 7 sweep cells: "
                       "backlog=4 delay=0ms; backlog=4 delay=25ms]");
}

TEST_F(SweepPlanTest, AProblemOfMoreThanThreeCellsNamesTheFirstThree) {
    const auto p = problems(replaced(kGrid, "equals = \"${sweep.backlog} + 1\"", "min = \"${sweep.delay}\""));
    EXPECT_THAT(p, ElementsAre("s.toml:30:7: 'min' must be a number: '0ms': unexpected 'm' at character 2 [in 4 of 7 "
                               "sweep cells: backlog=1 delay=0ms; backlog=4 delay=0ms; backlog=8 delay=0ms; …]",
                               "s.toml:30:7: 'min' must be a number: '25ms': unexpected 'm' at character 3 [in 3 of 7 "
                               "sweep cells: backlog=1 delay=25ms; backlog=4 delay=25ms; backlog=8 delay=25ms]"));
}

TEST_F(SweepPlanTest, VarAndSetNarrowTheGrid) {
    const std::string path = write(kGrid);
    SweepOverrides var;
    var.values["backlog"] = {"8", "1"};
    EXPECT_THAT(cells_of(plan_sweep(path, var, kRoomy)),
                ElementsAre("backlog=8 delay=0ms", "backlog=8 delay=25ms", "backlog=1 delay=0ms", "backlog=1 delay=25ms"))
        << "the command line's order; the point with backlog=64 is off this grid";
    SweepOverrides set;
    set.fixed["delay"] = "25ms";
    EXPECT_THAT(cells_of(plan_sweep(path, set, kRoomy)),
                ElementsAre("backlog=1 delay=25ms", "backlog=4 delay=25ms", "backlog=8 delay=25ms"));
    SweepOverrides both = var;
    both.fixed["delay"] = "0ms";
    const SweepPlan plan = plan_sweep(path, both, kRoomy);
    EXPECT_THAT(cells_of(plan), ElementsAre("backlog=8 delay=0ms", "backlog=1 delay=0ms"));
    EXPECT_EQ(plan.cells[0].sweep->variables[0].values, (std::vector<std::string>{"8", "1"}));
    EXPECT_EQ(plan.cells[1].sweep->variables[1].values, (std::vector<std::string>{"0ms"}));
    SweepOverrides point;
    point.values["backlog"] = {"64"};
    EXPECT_THAT(cells_of(plan_sweep(path, point, kRoomy)), ElementsAre("backlog=64 delay=0ms", "backlog=64 delay=25ms"))
        << "a point on the narrowed grid is the grid's own cell, once";
}

TEST_F(SweepPlanTest, OverridesThatDoNotFitAreLocatedAtTheSweep) {
    SweepOverrides unknown;
    unknown.values["backlogs"] = {"1"};
    unknown.fixed["dely"] = "0ms";
    EXPECT_THAT(problems(kGrid, unknown),
                ElementsAre("s.toml:6:1: --var backlogs: not a variable of [sweep] (declared: backlog, delay)",
                            "s.toml:6:1: --set dely: not a variable of [sweep] (declared: backlog, delay)"));
    SweepOverrides kind;
    kind.values["backlog"] = {"1", "x", "1"};
    kind.fixed["delay"] = "";
    EXPECT_THAT(problems(kGrid, kind), ElementsAre("s.toml:9:1: --var backlog=1,x,1: 'backlog' takes integers, not 'x'",
                                                   "s.toml:9:1: --var backlog=1,x,1: lists 1 twice"));
}

TEST_F(SweepPlanTest, AnOverrideThatBreaksAZipIsRefused) {
    std::string zipped = replaced(kGrid, "points = [{ backlog = 64, delay = \"0ms\" }]\n", "zip = [[\"backlog\", \"gap\"]]\n");
    zipped = replaced(zipped, "delay = [\"0ms\", \"25ms\"]", "delay = [\"0ms\", \"25ms\"]\ngap = [\"1s\", \"2s\", \"3s\"]");
    const std::string path = write(zipped);
    EXPECT_THAT(cells_of(plan_sweep(path, {}, kRoomy)),
                ElementsAre("backlog=1 delay=0ms gap=1s", "backlog=1 delay=25ms gap=1s", "backlog=4 delay=0ms gap=2s",
                            "backlog=4 delay=25ms gap=2s", "backlog=8 delay=0ms gap=3s", "backlog=8 delay=25ms gap=3s"));
    SweepOverrides one;
    one.fixed["gap"] = "2s";
    EXPECT_THAT(problems(zipped, one),
                ElementsAre("s.toml:11:1: --set gap=2s: 'backlog' and 'gap' move in lockstep (zip) and would have 3 and "
                            "1 values: give each of them as many (--set or --var for both)"));
    SweepOverrides both = one;
    both.fixed["backlog"] = "4";
    EXPECT_THAT(cells_of(plan_sweep(path, both, kRoomy)), ElementsAre("backlog=4 delay=0ms gap=2s", "backlog=4 delay=25ms gap=2s"));
    SweepOverrides lists;
    lists.values["backlog"] = {"2", "16"};
    lists.values["gap"] = {"1s", "5s"};
    EXPECT_THAT(cells_of(plan_sweep(path, lists, kRoomy)),
                ElementsAre("backlog=2 delay=0ms gap=1s", "backlog=2 delay=25ms gap=1s", "backlog=16 delay=0ms gap=5s",
                            "backlog=16 delay=25ms gap=5s"));
}

TEST_F(SweepPlanTest, AGridThatExclusionsEmptyIsAnError) {
    const std::string text = replaced(kGrid, "[sweep.vars]", "exclude = [{ delay = \"0ms\" }]\n[sweep.vars]");
    EXPECT_EQ(plan_sweep(write(text), {}, kRoomy).cells.size(), 3u);
    SweepOverrides o;
    o.fixed["delay"] = "0ms";
    EXPECT_THAT(problems(text, o), ElementsAre("s.toml:6:1: the sweep's exclusions leave no cell to run"));
}

TEST_F(SweepPlanTest, AFileWithoutSweepIsRefusedAndAHugeGridToo) {
    std::string plain = kGrid;
    plain.erase(plain.find("[sweep]"), plain.find("[hosts.server]") - plain.find("[sweep]"));
    plain = replaced(plain, "\"${sweep.backlog}\" }", "4 }");
    EXPECT_THAT(problems(plain), ElementsAre(HasSubstr("s.toml:1:1: the scenario has no [sweep] table")));
    SweepOverrides huge;
    for (const char* name : {"backlog", "delay"}) {
        std::vector<std::string> values;
        for (int i = 1; i <= 101; ++i) values.push_back(std::string(name) == "delay" ? std::to_string(i) + "ms" : std::to_string(i));
        huge.values[name] = values;
    }
    EXPECT_THAT(problems(kGrid, huge),
                ElementsAre("s.toml:6:1: the product of the sweep's variables is 10201 cells (backlog 101 × delay 101), "
                            "more than the 10000 a sweep may have: narrow its variables (--var, --set, fewer values) or "
                            "split it into several sweeps"));
}

TEST_F(SweepPlanTest, EachCellIsTheScenarioThatLabRunSetParses) {
    const std::string path = write(kGrid);
    const SweepPlan plan = plan_sweep(path, {}, kRoomy);
    for (const auto& cell : plan.cells) {
        std::map<std::string, std::string> set;
        for (const auto& v : cell.sweep->values) set[v.name] = v.text;
        const Scenario one = parse_scenario_file(path, kRoomy, set);
        ASSERT_TRUE(one.sweep.has_value());
        EXPECT_EQ(one.sweep->cell_id, cell.sweep->cell_id) << describe_cell(cell.sweep->values);
        EXPECT_EQ(describe_cell(one.sweep->values), describe_cell(cell.sweep->values));
        EXPECT_EQ(one.expectations[0].equals, cell.expectations[0].equals);
        EXPECT_EQ(one.steps[0].run.command, cell.steps[0].run.command);
        EXPECT_EQ(one.sweep->variables.size(), cell.sweep->variables.size());
    }
    // The default cell, without any --set, is the grid's backlog=4 delay=0ms.
    EXPECT_EQ(parse_scenario_file(path, kRoomy).sweep->cell_id, plan.cells[2].sweep->cell_id);
    // The same values on the sweep's command line give the same ids.
    SweepOverrides set;
    set.fixed["backlog"] = "08";
    const SweepPlan narrowed = plan_sweep(path, set, kRoomy);
    ASSERT_EQ(narrowed.cells.size(), 2u);
    EXPECT_EQ(narrowed.cells[0].sweep->cell_id, plan.cells[4].sweep->cell_id);
}

TEST_F(SweepPlanTest, ValidateSeesTheSameProblemsAsTheSweep) {
    const std::string path = write(kGrid);
    EXPECT_TRUE(sweep_cell_problems(path, kRoomy).empty());
    const std::string bad = replaced(kGrid, "time_limit = \"9s\"", "time_limit = \"700ms\"");
    const std::string bad_path = write(bad);
    const auto found = sweep_cell_problems(bad_path, kRoomy);
    const std::vector<std::string> expected = problems(bad);
    EXPECT_EQ(found.size(), 2u);
    ASSERT_EQ(found.size(), expected.size());
    for (std::size_t i = 0; i < found.size(); ++i) EXPECT_EQ(found[i], bad_path + expected[i].substr(std::string("s.toml").size()));
    EXPECT_THAT(found[0], HasSubstr(":23:6: step at 800ms is after the time limit 700ms [in 2 of 7 sweep cells: backlog=8"));
}

TEST_F(SweepPlanTest, TheKernelVariablePlacesCellsAndItsCellsKeepTheirIds) {
    const std::string text = replaced(replaced(kGrid, "points = [{ backlog = 64, delay = \"0ms\" }]\n", ""),
                                      "backlog = [1, 4, 8]\n",
                                      "backlog = [1, 4, 8]\nkernel = [\"host\", \"vm:linux-image-6.1.0-57-amd64\"]\n");
    const SweepPlan plan = plan_sweep(write(text), {}, kRoomy);
    ASSERT_EQ(plan.cells.size(), 12u);  // 3 × 2 × 2
    EXPECT_EQ(describe_cell(plan.cells[1].sweep->values), "backlog=1 kernel=host delay=25ms");
    EXPECT_EQ(describe_cell(plan.cells[2].sweep->values), "backlog=1 kernel=vm:linux-image-6.1.0-57-amd64 delay=0ms");
    // `--var kernel=vm:...` (what a guest is started with) narrows to the same cells, with the same ids.
    SweepOverrides guest;
    guest.values["kernel"] = {"vm:linux-image-6.1.0-57-amd64"};
    const SweepPlan narrowed = plan_sweep(write(text), guest, kRoomy);
    ASSERT_EQ(narrowed.cells.size(), 6u);
    EXPECT_EQ(narrowed.cells[0].sweep->cell_id, plan.cells[2].sweep->cell_id);
}

TEST_F(SweepPlanTest, AKernelValueThatIsNoKernelIsRefusedAtTheVariable) {
    const std::string grid = replaced(kGrid, "points = [{ backlog = 64, delay = \"0ms\" }]\n", "");
    const auto found = problems(replaced(grid, "backlog = [1, 4, 8]\n", "backlog = [1, 4, 8]\nkernel = [\"host\", \"6.1\"]\n"));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_THAT(found[0], HasSubstr("s.toml:9:1: kernel = '6.1' is no kernel: write \"host\""));
    SweepOverrides bad;
    bad.values["kernel"] = {"vm:busybox"};
    const auto overridden = problems(replaced(grid, "backlog = [1, 4, 8]\n", "backlog = [1, 4, 8]\nkernel = [\"host\"]\n"), bad);
    ASSERT_EQ(overridden.size(), 1u);
    EXPECT_THAT(overridden[0], HasSubstr("a guest kernel is a linux-image-* package"));
}

}  // namespace
}  // namespace lab::runner
