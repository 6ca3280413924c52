// What a sweep may ask of validation: at most 10 000 cells, and cells × the file's values and cells × its
// text within bounds (runner/scenario_budget.hpp). A sweep beyond them is refused at its [sweep] table with
// the numbers, before any cell is parsed; every shipped scenario stays within them.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/scenario_budget.hpp"
#include "runner/scenario_parser.hpp"
#include "runner/sweep_plan.hpp"
#include "tests/unit/runner/scenario_parsing.hpp"

namespace lab::runner {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using test::kRoomy;

std::string numbers(int count) {
    std::string out;
    for (int i = 1; i <= count; ++i) out += (i > 1 ? ", " : "") + std::to_string(i);
    return out;
}

// a (rows) × b (columns), `hosts` hosts on one link, a summary of `summary_bytes` bytes; [sweep] on line 6.
// Its values, counted by hand: [scenario] 4, [sweep] 4 + rows + columns, [hosts] 1 + hosts, [[links]] 3 +
// hosts, [[steps]] 10: 22 + rows + columns + 2 × hosts.
std::string sweep_text(int rows, int columns, int hosts, std::size_t summary_bytes = 1) {
    std::string text = fmt::format(R"([scenario]
name = "big"
summary = "{}"
time_limit = "10s"

[sweep]
[sweep.vars]
a = [{}]
b = [{}]

)",
                                   std::string(summary_bytes, 's'), numbers(rows), numbers(columns));
    std::string ends;
    for (int h = 1; h <= hosts; ++h) {
        text += fmt::format("[hosts.h{}]\n", h);
        ends += fmt::format("{}\"h{}\"", h > 1 ? ", " : "", h);
    }
    text += fmt::format("\n[[links]]\nends = [{}]\n\n", ends);
    text += "[[steps]]\nat = \"${sweep.b}ms\"\nrun = { name = \"srv\", host = \"h1\", agent = \"server\", args = "
            "[\"--backlog\", \"${sweep.a}\"] }\n";
    return text;
}

class SweepBoundsTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::path(::testing::TempDir()) /
               ("sweep-bounds-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::string write(const std::string& text) {
        const std::string path = (dir_ / "s.toml").string();
        std::ofstream(path) << text;
        return path;
    }

    // The problems of a sweep that must be refused before any cell is parsed, the scratch path cut to
    // "s.toml"; lab validate must find the same.
    std::vector<std::string> refused(const std::string& text, const SweepOverrides& o = {}) {
        const std::string path = write(text);
        std::size_t visited = 0;
        std::vector<std::string> out;
        try {
            visit_sweep_cells(path, o, kRoomy, [&](std::size_t, Scenario&&) { ++visited; });
            ADD_FAILURE() << "expected a ScenarioError";
        } catch (const ScenarioError& e) {
            for (std::string d : e.diagnostics()) out.push_back(d.replace(0, path.size(), "s.toml"));
        }
        EXPECT_EQ(visited, 0u) << "no cell is parsed when the sweep is too big";
        if (o.values.empty() && o.fixed.empty()) {
            std::vector<std::string> validated;
            for (std::string d : sweep_cell_problems(path, kRoomy)) validated.push_back(d.replace(0, path.size(), "s.toml"));
            EXPECT_EQ(validated, out) << "lab validate refuses it in the same words";
        }
        return out;
    }

    fs::path dir_;
};

TEST(ScenarioSize, CountsEveryValueOnceAndTheBytesOfKeysAndStrings) {
    const toml::table doc = toml::parse("a = 1\n[t]\nb = [1, [2, 3]]\nc = \"xyz\"\nd = { e = true }\n");
    // a, t, b, b's two items, the inner array's two, c, d, e.
    EXPECT_EQ(scenario_size(doc).values, 10u);
    EXPECT_EQ(scenario_size(doc).text_bytes, 6u + 3u) << "a t b c d e, and xyz";
    EXPECT_EQ(scenario_size(toml::table{}).values, 0u);
    // The hand count of sweep_text, and two values more per host.
    const toml::table big = toml::parse(sweep_text(100, 100, 490));
    EXPECT_EQ(scenario_size(big).values, 22u + 100 + 100 + 2 * 490);
    EXPECT_EQ(scenario_size(toml::parse(sweep_text(100, 100, 491))).values, scenario_size(big).values + 2);
}

TEST(ScenarioSize, TheBoundsAreInclusive) {
    EXPECT_EQ(sweep_budget_problem(10'000, {1000, 0}), std::nullopt);
    EXPECT_EQ(sweep_budget_problem(1, {kMaxSweepValuesChecked, kMaxSweepTextChecked}), std::nullopt);
    EXPECT_EQ(sweep_budget_problem(10'000, {1001, 0}),
              "the sweep's 10000 cells × 1001 values of the file = 10010000 values to check (every cell is validated as "
              "a scenario of its own), more than the 10000000 a sweep may have: narrow the grid (--var, --set, fewer "
              "values) or split it into several sweeps");
    EXPECT_EQ(sweep_budget_problem(2, {1, kMaxSweepTextChecked / 2 + 1}),
              "the sweep's 2 cells × 67108865 bytes of keys and strings in the file = 134217730 bytes to check (every "
              "cell is validated as a scenario of its own), more than the 134217728 a sweep may have: narrow the grid "
              "(--var, --set, fewer values), shorten the strings or split it into several sweeps");
    EXPECT_NE(sweep_budget_problem(SIZE_MAX, {SIZE_MAX, 0}), std::nullopt) << "a product that overflows is refused";
}

// The case of issue 25: 10 000 cells of a file of hundreds of hosts took seconds to validate and gigabytes
// to plan; now it is refused at once, at [sweep].
TEST_F(SweepBoundsTest, TooManyValuesToCheckAreRefusedAtTheSweepWithTheNumbers) {
    EXPECT_THAT(refused(sweep_text(100, 100, 490)),
                ElementsAre("s.toml:6:1: the sweep's 10000 cells × 1202 values of the file = 12020000 values to check "
                            "(every cell is validated as a scenario of its own), more than the 10000000 a sweep may "
                            "have: narrow the grid (--var, --set, fewer values) or split it into several sweeps"));
    // The same file over a narrower grid is within the bound, and every cell is checked.
    const std::string narrow = sweep_text(10, 10, 490);
    std::size_t visited = 0;
    const SweepPlan plan = visit_sweep_cells(write(narrow), {}, kRoomy, [&](std::size_t, Scenario&&) { ++visited; });
    EXPECT_EQ(visited, 100u);
    EXPECT_EQ(plan.outline.size(), 100u);
    // --var widens a grid past the bound: refused as well, at the same place.
    SweepOverrides wider;
    for (int i = 1; i <= 100; ++i) wider.values["a"].push_back(std::to_string(i));
    for (int i = 1; i <= 100; ++i) wider.values["b"].push_back(std::to_string(i));
    EXPECT_THAT(refused(narrow, wider), ElementsAre(HasSubstr("s.toml:6:1: the sweep's 10000 cells × 1022 values of the "
                                                              "file = 10220000 values to check")));
}

TEST_F(SweepBoundsTest, TooMuchTextToCheckIsRefusedAtTheSweepWithTheNumbers) {
    const std::string text = sweep_text(100, 100, 2, 16'000);
    const std::uint64_t bytes = scenario_size(toml::parse(text)).text_bytes;
    EXPECT_GT(bytes, 16'000u);
    EXPECT_THAT(refused(text),
                ElementsAre(fmt::format("s.toml:6:1: the sweep's 10000 cells × {} bytes of keys and strings in the file "
                                        "= {} bytes to check (every cell is validated as a scenario of its own), more "
                                        "than the 134217728 a sweep may have: narrow the grid (--var, --set, fewer "
                                        "values), shorten the strings or split it into several sweeps",
                                        bytes, 10'000 * bytes)));
}

TEST_F(SweepBoundsTest, TooManyCellsAreRefusedWithTheirCountBeforeTheGridIsMade) {
    // 1000^3 cells: counted, never made.
    std::string text = sweep_text(1000, 1000, 2);
    text.insert(text.find("\n\n[hosts.h1]"), "\nc = [" + numbers(1000) + "]");
    EXPECT_THAT(refused(text), ElementsAre("s.toml:6:1: the product of the sweep's variables is 1000000000 cells (a 1000 "
                                           "× b 1000 × c 1000), more than the 10000 a sweep may have: narrow its "
                                           "variables (--var, --set, fewer values) or split it into several sweeps"));
    // A zip group is one axis; points beyond the product are counted after it.
    std::string zipped = sweep_text(101, 101, 2);
    zipped.insert(zipped.find("[sweep.vars]"), "zip = [[\"a\", \"b\"]]\npoints = [{ a = 1, b = 2 }, { a = 2, b = 1 }]\n");
    EXPECT_EQ(visit_sweep_cells(write(zipped), {}, kRoomy, [](std::size_t, Scenario&&) {}).outline.size(), 103u);
    SweepOverrides many;
    for (int i = 1; i <= 9999; ++i) many.values["a"].push_back(std::to_string(i));
    many.values["b"] = many.values["a"];
    EXPECT_THAT(refused(zipped, many),
                ElementsAre("s.toml:6:1: the product of the sweep's variables (9999 cells) and its 2 points make more than "
                            "the 10000 cells a sweep may have: narrow its variables (--var, --set, fewer values) or split "
                            "it into several sweeps"));
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The bounds leave room for every shipped scenario: a grid of 10 000 cells over any of them, except
// connscale-1m (2133 values, 14 KB of text) which takes up to 4688 cells; and the shipped sweeps validate.
TEST(SweepBounds, EveryShippedScenarioFitsAGridOfTenThousandCellsButTheMillionConnections) {
    const fs::path catalogue = fs::path(LAB_SOURCE_DIR) / "scenarios";
    std::size_t scenarios = 0, sweeps = 0;
    for (const auto& entry : fs::recursive_directory_iterator(catalogue)) {
        if (entry.path().extension() != ".toml") continue;
        ++scenarios;
        const std::string name = entry.path().stem().string();
        const ScenarioSize size = scenario_size(toml::parse(slurp(entry.path())));
        if (name == "connscale-1m") {
            EXPECT_NE(sweep_budget_problem(kMaxSweepCells, size), std::nullopt);
            EXPECT_EQ(sweep_budget_problem(4688, size), std::nullopt) << "values " << size.values << ", text " << size.text_bytes;
        } else {
            EXPECT_EQ(sweep_budget_problem(kMaxSweepCells, size), std::nullopt) << name;
        }
        if (entry.path().parent_path().filename() == "sweeps") {
            ++sweeps;
            EXPECT_THAT(sweep_cell_problems(entry.path().string(), kRoomy), ::testing::IsEmpty()) << name;
        }
    }
    EXPECT_GE(scenarios, 20u);
    EXPECT_GE(sweeps, 4u);
}

}  // namespace
}  // namespace lab::runner
