// One scenario on two kernels: side by side, and every difference named.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "analysis/comparison_table.hpp"

namespace {

using ::testing::HasSubstr;
using lab::record::Verdict;
using lab::record::VerdictStatus;

Verdict verdict(std::string id, std::string observed, VerdictStatus s) {
    Verdict v;
    v.id = std::move(id);
    v.expected = "= 31";
    v.observed = std::move(observed);
    v.status = s;
    return v;
}

lab::analysis::JudgedRun run(std::string kernel, std::string backend, std::vector<Verdict> vs) {
    lab::analysis::JudgedRun r;
    r.record.scenario.name = "backlog-30-netcat";
    r.record.run.kernel = std::move(kernel);
    r.record.run.machine = "x86_64";
    r.record.run.impairment_backend = std::move(backend);
    r.label = lab::analysis::kernel_label(r.record);
    r.verdicts = std::move(vs);
    return r;
}

TEST(ComparisonTable, SameEverywhereSaysSo) {
    auto c = lab::analysis::compare_runs({run("6.18.44", "none", {verdict("queue", "31", VerdictStatus::Pass)}),
                                          run("6.1.0-56-amd64", "none", {verdict("queue", "31", VerdictStatus::Pass)})});
    EXPECT_EQ(c.expectations, 1u);
    EXPECT_EQ(c.verdicts_differ, 0u);
    EXPECT_EQ(c.observations_differ, 0u);
    EXPECT_THAT(c.table, HasSubstr("the same verdicts and observations on every kernel"));
    EXPECT_THAT(c.table, HasSubstr("6.1.0-56-amd64"));
    EXPECT_THAT(c.table, HasSubstr("6.18.44"));
}

TEST(ComparisonTable, DifferencesAreCountedAndNamed) {
    auto c = lab::analysis::compare_runs(
        {run("6.18.44", "userspace",
             {verdict("queue", "31", VerdictStatus::Pass), verdict("syn-recv", "0", VerdictStatus::Pass),
              verdict("clients", "100", VerdictStatus::Pass)}),
         run("6.1.0-56-amd64", "netem",
             {verdict("queue", "31", VerdictStatus::Pass), verdict("syn-recv", "29", VerdictStatus::Fail),
              verdict("clients", "99", VerdictStatus::Pass)})});
    EXPECT_EQ(c.expectations, 3u);
    EXPECT_EQ(c.verdicts_differ, 1u);
    EXPECT_EQ(c.observations_differ, 1u);
    ASSERT_EQ(c.differences.size(), 2u);
    EXPECT_THAT(c.differences[0], HasSubstr("syn-recv: verdict differs"));
    EXPECT_THAT(c.differences[0], HasSubstr("6.18.44 [userspace]: pass (0)"));
    EXPECT_THAT(c.differences[0], HasSubstr("6.1.0-56-amd64 [netem]: FAIL (29)"));
    EXPECT_THAT(c.differences[1], HasSubstr("clients: same verdict, observed value differs"));
    EXPECT_THAT(c.table, HasSubstr("VERDICT"));
    EXPECT_THAT(c.table, HasSubstr("1 verdict differ"));
}

TEST(ComparisonTable, AnExpectationMissingOnOneKernelIsADifference) {
    auto c = lab::analysis::compare_runs({run("a", "none", {verdict("x", "1", VerdictStatus::Pass)}), run("b", "none", {})});
    EXPECT_EQ(c.verdicts_differ, 1u);
    EXPECT_THAT(c.differences.at(0), HasSubstr("b: absent"));
}

}  // namespace
