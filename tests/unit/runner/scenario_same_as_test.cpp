// same_as chains at validation: each missing name and each cycle is one error, however long the chain,
// and a long chain is checked in one pass.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/scenario_parser.hpp"
#include "tests/unit/runner/scenario_parsing.hpp"

namespace {

using lab::runner::parse_scenario_text;
using lab::runner::Scenario;
using lab::runner::ScenarioError;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// n expectations e0 .. e(n-1), each same_as the next; the last names `last_names` ("" for none).
std::string chain(std::size_t n, const std::string& last_names) {
    std::string text = "[scenario]\nname = \"chain\"\nsummary = \"s\"\n\n[hosts.a]\n";  // 5 lines
    for (std::size_t i = 0; i < n; ++i) {
        const std::string next = i + 1 < n ? "e" + std::to_string(i + 1) : last_names;
        text += "[[expect]]\nid = \"e" + std::to_string(i) + "\"\nhost = \"a\"\ncounter = \"TcpExt.X\"\n";
        text += next.empty() ? "equals = 0\n" : "same_as = \"" + next + "\"\n";
    }
    return text;
}

// The line of expectation i in chain(): 5 header lines, 5 lines per expectation.
std::string line_of(std::size_t i) { return "c.toml:" + std::to_string(6 + 5 * i) + ":1: "; }

std::vector<std::string> same_as_diagnostics(const std::string& text) { return lab::runner::test::diagnostics_of(text, "c.toml"); }

TEST(ScenarioSameAs, AMissingTargetIsOneErrorWhereItIsNamed) {
    // Every link of the chain used to report the name its end misses: 2000 errors for one typo.
    EXPECT_THAT(same_as_diagnostics(chain(2000, "nowhere")),
                ElementsAre(line_of(1999) + "same_as 'nowhere' names no expectation"));
}

TEST(ScenarioSameAs, ACycleIsOneErrorAtItsFirstExpectation) {
    EXPECT_THAT(same_as_diagnostics(chain(2000, "e0")),
                ElementsAre(line_of(0) + "same_as 'e1' leads back to 'e0': a cycle "
                                         "(e0 → e1 → e2 → e3 → e4 → … (1995 more) → e0)"));
    EXPECT_THAT(same_as_diagnostics(chain(3, "e1")),
                ElementsAre(line_of(1) + "same_as 'e2' leads back to 'e1': a cycle (e1 → e2 → e1)"));
    EXPECT_THAT(same_as_diagnostics(chain(1, "e0")),
                ElementsAre(line_of(0) + "same_as 'e0' leads back to 'e0': a cycle (e0 → e0)"));
}

TEST(ScenarioSameAs, SeparateCyclesAndMissingNamesAreEachReported) {
    std::string text = chain(4, "e2");  // e2 → e3 → e2
    text += "[[expect]]\nid = \"x\"\nhost = \"a\"\ncounter = \"TcpExt.X\"\nsame_as = \"x\"\n";
    text += "[[expect]]\nid = \"y\"\nhost = \"a\"\ncounter = \"TcpExt.X\"\nsame_as = \"typo\"\n";
    auto d = same_as_diagnostics(text);
    ASSERT_EQ(d.size(), 3u);
    EXPECT_THAT(d[0], StartsWith(line_of(5) + "same_as 'typo' names no expectation"));
    EXPECT_THAT(d[1], HasSubstr("(e2 → e3 → e2)"));
    EXPECT_THAT(d[2], HasSubstr("(x → x)"));
}

// Validation follows no chain from every link: a 50 000-link chain (1.25 billion steps the old way, about
// 12 minutes) parses in about a second.
TEST(ScenarioSameAs, AFiftyThousandLinkChainIsValid) {
    Scenario s = parse_scenario_text(chain(50'000, ""), "c.toml");
    ASSERT_EQ(s.expectations.size(), 50'000u);
    EXPECT_EQ(s.expectations[0].same_as, "e1");
    EXPECT_EQ(s.expectations[49'998].same_as, "e49999");
    EXPECT_EQ(s.expectations[49'999].same_as, "");
}

}  // namespace
