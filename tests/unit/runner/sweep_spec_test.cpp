#include "runner/sweep_spec.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/sweep_substitution.hpp"

namespace lab::runner {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct ParsedSweep {
    std::optional<SweepSpec> spec;
    std::vector<std::string> diagnostics;
};

ParsedSweep parse(const std::string& text) {
    toml::table root = toml::parse(std::string_view(text), std::string_view("s.toml"));
    TomlReader reader("s.toml");
    ParsedSweep p;
    p.spec = parse_sweep_spec(root, reader, "scen");
    p.diagnostics = reader.diagnostics();
    return p;
}

std::vector<std::string> described(const std::vector<SweepCell>& cells) {
    std::vector<std::string> out;
    for (const auto& c : cells) out.push_back(describe_cell(c));
    return out;
}

TEST(SweepSpec, TheGridIsTheProductWithTheLastVariableFastest) {
    auto p = parse("[sweep]\n[sweep.vars]\nbacklog = [1, 30]\nretries = [0, 2, 5]\n");
    ASSERT_TRUE(p.diagnostics.empty()) << p.diagnostics.front();
    EXPECT_EQ(p.spec->label, "scen");
    EXPECT_THAT(described(expand_cells(*p.spec)),
                ElementsAre("backlog=1 retries=0", "backlog=1 retries=2", "backlog=1 retries=5", "backlog=30 retries=0",
                            "backlog=30 retries=2", "backlog=30 retries=5"));
    EXPECT_EQ(describe_cell(p.spec->defaults), "backlog=1 retries=0");  // first values without [sweep.defaults]
    EXPECT_EQ(p.spec->variables[0].values[1].number, 30);
}

TEST(SweepSpec, ZipMovesVariablesTogetherAndExcludeDropsMatchingCells) {
    auto p = parse(R"([sweep]
zip = [["delay", "gap"]]
exclude = [{ cookies = 1, delay = "25ms" }]
[sweep.vars]
delay = ["0ms", "25ms"]
cookies = [0, 1]
gap = ["0ms", "100ms"]
)");
    ASSERT_TRUE(p.diagnostics.empty()) << p.diagnostics.front();
    EXPECT_THAT(described(expand_cells(*p.spec)),
                ElementsAre("delay=0ms cookies=0 gap=0ms", "delay=0ms cookies=1 gap=0ms", "delay=25ms cookies=0 gap=100ms"));
}

TEST(SweepSpec, PointsListCellsOneByOneAndDeclareTheVariablesWhenAlone) {
    auto p = parse(R"([sweep]
points = [{ backlog = 5, cookies = 0 }, { backlog = 64, cookies = 1 }, { backlog = 5, cookies = 0 }]
)");
    ASSERT_TRUE(p.diagnostics.empty()) << p.diagnostics.front();
    EXPECT_THAT(described(expand_cells(*p.spec)), ElementsAre("backlog=5 cookies=0", "backlog=64 cookies=1"));
    ASSERT_EQ(p.spec->variables.size(), 2u);
    EXPECT_EQ(p.spec->variables[0].values.size(), 2u);
}

TEST(SweepSpec, PointsBesideAGridAddCellsButNotAxesToTheProduct) {
    auto p = parse("[sweep]\npoints = [{ backlog = 1000 }]\n[sweep.vars]\nbacklog = [1, 2]\n");
    ASSERT_TRUE(p.diagnostics.empty()) << p.diagnostics.front();
    EXPECT_THAT(described(expand_cells(*p.spec)), ElementsAre("backlog=1", "backlog=2", "backlog=1000"));
    EXPECT_EQ(p.spec->axes()[0].values, (std::vector<std::string>{"1", "2", "1000"}));
}

TEST(SweepSpec, EveryMistakeIsReportedWithItsLocation) {
    auto p = parse(R"([sweep]
rows = "nope"
zip = [["a", "b"]]
exclude = [{ a = 7 }]
points = [{ a = 1 }]
[sweep.vars]
a = [1, 2, 2]
b = ["x"]
Bad = [1]
c = []
[sweep.defaults]
a = "text"
)");
    EXPECT_THAT(p.diagnostics, ::testing::Contains(HasSubstr("s.toml:2:8: rows = 'nope' is not a variable")));
    EXPECT_THAT(p.diagnostics, ::testing::Contains(HasSubstr("'a' lists 2 twice")));
    EXPECT_THAT(p.diagnostics, ::testing::Contains(HasSubstr("zip: 'b' has 1 values, 'a' has 2")));
    EXPECT_THAT(p.diagnostics, ::testing::Contains(HasSubstr("exclude: 'a' never takes the value 7")));
    EXPECT_THAT(p.diagnostics, ::testing::Contains(HasSubstr("sweep variable 'Bad' is not a valid name")));
    EXPECT_THAT(p.diagnostics, ::testing::Contains(HasSubstr("'c' must list its values")));
    EXPECT_THAT(p.diagnostics, ::testing::Contains(HasSubstr("point: gives no value for 'b'")));
    EXPECT_THAT(p.diagnostics, ::testing::Contains(HasSubstr("'a' takes integers (as its first value is); this is a string")));
    for (const auto& d : p.diagnostics) EXPECT_THAT(d, ::testing::MatchesRegex("s\\.toml:[0-9]+:[0-9]+: .*")) << d;
}

TEST(SweepSpec, SetOverridesTheDefaultsWithValuesOfTheRightKind) {
    auto p = parse("[sweep]\n[sweep.vars]\nbacklog = [1, 30]\ndelay = [\"0ms\"]\n[sweep.defaults]\nbacklog = 30\n");
    ASSERT_TRUE(p.diagnostics.empty());
    auto cell = cell_with(*p.spec, {{"delay", "25ms"}});
    ASSERT_FALSE(failed(cell));
    EXPECT_EQ(describe_cell(std::get<SweepCell>(cell)), "backlog=30 delay=25ms");
    auto bad = cell_with(*p.spec, {{"backlog", "many"}});
    ASSERT_TRUE(failed(bad));
    EXPECT_THAT(std::get<ParseError>(bad).message, HasSubstr("'backlog' takes integers"));
    EXPECT_THAT(std::get<ParseError>(bad).message, ::testing::StartsWith("s.toml:3:1: --set backlog=many: "));
    auto unknown = cell_with(*p.spec, {{"retries", "2"}});
    EXPECT_THAT(std::get<ParseError>(unknown).message, HasSubstr("declared: backlog, delay"));
    EXPECT_THAT(std::get<ParseError>(unknown).message, ::testing::StartsWith("s.toml:1:1: --set retries: "));
}

TEST(SweepSpec, CellIdsAreStableAndChangedByAnyEditOrValue) {
    auto p = parse("[sweep]\n[sweep.vars]\nbacklog = [1, 30]\n");
    auto cells = expand_cells(*p.spec);
    const std::string text = "[sweep]\n[sweep.vars]\nbacklog = [1, 30]\n";
    const std::string id = sweep_cell_id(text, cells[0]);
    EXPECT_EQ(id.size(), 12u);
    EXPECT_EQ(id, sweep_cell_id(text, cells[0]));
    EXPECT_EQ(id, "5248a0890358") << "the id must not change between builds: it names stored records";
    EXPECT_NE(id, sweep_cell_id(text, cells[1]));
    EXPECT_NE(id, sweep_cell_id(text + "# a comment\n", cells[0]));
}

TEST(SweepSpec, AHugeGridIsRefused) {
    auto p = parse("[sweep]\n[sweep.vars]\na = [1,2,3,4,5,6,7,8,9,10]\nb = [1,2,3,4,5,6,7,8,9,10]\n");
    EXPECT_THROW(expand_cells(*p.spec, 50), std::runtime_error);
    EXPECT_EQ(expand_cells(*p.spec, 100).size(), 100u);
}

TEST(SweepSubstitution, ReplacesSweepReferencesOnlyAndKeepsTheRestForThePlan) {
    SweepCell cell{{"backlog", "30", 30}, {"delay", "25ms", std::nullopt}};
    auto s = substitute_sweep("--backlog ${sweep.backlog} ${hosts.server.addr} $${sweep.delay} ${sweep.delay}", cell);
    ASSERT_FALSE(failed(s));
    EXPECT_EQ(std::get<std::string>(s), "--backlog 30 ${hosts.server.addr} $${sweep.delay} 25ms");
    EXPECT_TRUE(mentions_sweep("x ${sweep.a}"));
    EXPECT_FALSE(mentions_sweep("$${sweep.a} ${run.dir}"));
    auto unknown = substitute_sweep("${sweep.retries}", cell);
    EXPECT_THAT(std::get<ParseError>(unknown).message, HasSubstr("'${sweep.retries}' names no variable of [sweep] (declared: backlog, delay)"));
    EXPECT_TRUE(failed(substitute_sweep("${sweep.backlog", cell)));
    EXPECT_EQ(std::get<std::string>(substitute_sweep("--waves ${sweep.backlog},${sweep.backlog + 10}", cell)), "--waves 30,40");
    EXPECT_EQ(std::get<std::string>(substitute_sweep("${sweep.2 * backlog + 1}", cell)), "61");
    EXPECT_EQ(std::get<std::string>(substitute_sweep("${sweep.backlog / 4}", cell)), "7.5");
    EXPECT_THAT(std::get<ParseError>(substitute_sweep("${sweep.delay + 1}", cell)).message, HasSubstr("'delay' is not a number (25ms)"));
    EXPECT_THAT(std::get<ParseError>(substitute_sweep("${sweep.nope + 1}", cell)).message, HasSubstr("names no variable"));
}

TEST(SweepSubstitution, ArithmeticHasTheUsualPrecedenceAndNamesItsMistakes) {
    auto value = [](std::string_view t) { return std::get<double>(evaluate_arithmetic(t)); };
    EXPECT_EQ(value("31"), 31);
    EXPECT_EQ(value("30 + 1"), 31);
    EXPECT_EQ(value("2 + 3 * 4"), 14);
    EXPECT_EQ(value("(128 - 2) / 2"), 63);
    EXPECT_EQ(value("-4 + 10"), 6);
    EXPECT_EQ(value("0.5 * 3"), 1.5);
    EXPECT_EQ(value("1 == 1"), 1);
    EXPECT_EQ(value("30 + 1 != 31"), 0);
    EXPECT_EQ(value("5 >= 5 && 2 < 1"), 0);
    EXPECT_EQ(value("5 > 4 || 2 < 1"), 1);
    EXPECT_EQ(value("(1 == 0) + 1"), 1);
    EXPECT_THAT(std::get<ParseError>(evaluate_arithmetic("30 +")).message, HasSubstr("expected a number"));
    EXPECT_THAT(std::get<ParseError>(evaluate_arithmetic("1 / (2 - 2)")).message, HasSubstr("division by zero"));
    EXPECT_THAT(std::get<ParseError>(evaluate_arithmetic("(1 + 2")).message, HasSubstr("missing ')'"));
    EXPECT_THAT(std::get<ParseError>(evaluate_arithmetic("30 x")).message, HasSubstr("unexpected 'x'"));
    EXPECT_TRUE(failed(evaluate_arithmetic(std::string(200, '(') + "1" + std::string(200, ')'))));
}

}  // namespace
}  // namespace lab::runner
