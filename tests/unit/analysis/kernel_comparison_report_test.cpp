// The catalogue across kernels summed up: the one-screen summary and the Markdown of docs/kernels.md.
#include "analysis/kernel_comparison_report.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using lab::analysis::ComparedExpectation;
using lab::analysis::Comparison;
using lab::analysis::Difference;

ComparedExpectation row(std::string id, Difference d, std::vector<std::string> status, std::vector<std::string> observed) {
    ComparedExpectation e;
    e.id = std::move(id);
    e.description = "what " + e.id + " checks";
    e.expected = "= 1";
    e.difference = d;
    e.status = std::move(status);
    e.observed = std::move(observed);
    e.late.assign(e.status.size(), false);
    return e;
}

std::vector<Comparison> catalogue() {
    Comparison same;
    same.scenario = "backlog-30-netcat";
    same.labels = {"6.18.44", "6.1.0-57-amd64 [netem]"};
    same.expectations = 1;
    same.rows = {row("queue", Difference::None, {"pass", "pass"}, {"31", "31"})};
    Comparison changed;
    changed.scenario = "rst-on-close";
    changed.summary = "The peer resets the connection. Since 6.2 the kernel sends the RST at once. Older kernels wait.";
    changed.labels = {"6.18.44", "6.1.0-57-amd64 [netem]"};
    changed.expectations = 2;
    changed.kernel_explained = 1;
    changed.observations_differ = 1;
    changed.rows = {row("rst", Difference::Kernel, {"pass", "skip"}, {"1", "1"}), row("rtt", Difference::Value, {"pass", "pass"}, {"1", "2"})};
    changed.rows[0].kernel = ">=6.2";
    return {same, changed};
}

TEST(KernelComparisonReport, TotalsAddUpEveryScenario) {
    auto t = lab::analysis::totals(catalogue());
    EXPECT_EQ(t.scenarios, 2u);
    EXPECT_EQ(t.expectations, 3u);
    EXPECT_EQ(t.kernel_explained, 1u);
    EXPECT_EQ(t.observations_differ, 1u);
    EXPECT_EQ(t.verdicts_differ, 0u);
}

TEST(KernelComparisonReport, TheSummaryNamesEachDifferingExpectationAndWhy) {
    std::string s = lab::analysis::comparison_summary_text(catalogue());
    EXPECT_THAT(s, HasSubstr("across kernels: 6.18.44; 6.1.0-57-amd64\n"));
    EXPECT_THAT(s, HasSubstr("kernel condition >=6.2: rst; value only: rtt"));
    EXPECT_THAT(s, HasSubstr("2 scenarios, 3 expectations: 0 verdicts differ unexplained, 1 by a kernel condition"));
}

TEST(KernelComparisonReport, TheMarkdownHasALinePerDifferenceAndAParagraphPerKernelDifference) {
    std::string md = lab::analysis::comparison_markdown(catalogue(), "runs of 2026-11-30 on lab-host");
    EXPECT_THAT(md, HasSubstr("runs of 2026-11-30 on lab-host"));
    EXPECT_THAT(md, HasSubstr("| rst-on-close | rst | = 1 | pass 1 | skip 1 | kernel condition `>=6.2` |"));
    EXPECT_THAT(md, HasSubstr("| rst-on-close | rtt | = 1 | pass 1 | pass 2 | value only |"));
    EXPECT_THAT(md, Not(HasSubstr("| backlog-30-netcat | queue")));
    EXPECT_THAT(md, HasSubstr("### rst-on-close · rst"));
    EXPECT_THAT(md, HasSubstr("> Since 6.2 the kernel sends the RST at once.\n"));
}

TEST(KernelComparisonReport, TheExplainingSentencesAreThoseNamingTheConditionsVersion) {
    EXPECT_EQ(lab::analysis::explaining_sentences("A. In 6.2 it changed (commit abc). C.", ">=6.2"),
              "In 6.2 it changed (commit abc).");
    EXPECT_EQ(lab::analysis::explaining_sentences("Nothing to see.", ">=6.2"), "Nothing to see.");
}

}  // namespace
