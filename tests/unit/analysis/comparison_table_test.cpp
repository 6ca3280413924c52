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

// The guard of the wave fixtures below: its first wave's connects started within 50 ms.
Verdict guard_verdict(std::string observed, VerdictStatus s) {
    Verdict v = verdict("wave-left", std::move(observed), s);
    v.expected = "≤ 50";
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

// A behaviour that changed between kernels, written as the catalogue writes it: one expectation per side
// of the change, each with its kernel condition; evaluate() skips the other.
lab::analysis::JudgedRun changed_behaviour_run(std::string kernel, bool newer) {
    Verdict older_v = verdict("rst-old", "0", newer ? VerdictStatus::Skip : VerdictStatus::Pass);
    Verdict newer_v = verdict("rst-new", "1", newer ? VerdictStatus::Pass : VerdictStatus::Skip);
    (newer ? older_v : newer_v).detail = newer ? "kernel 6.18.44 not in <6.2" : "kernel 6.1.0 not in >=6.2";
    auto r = run(std::move(kernel), "none", {older_v, newer_v});
    lab::record::Expectation e_old, e_new;
    e_old.id = "rst-old";
    e_old.kernel = "<6.2";
    e_new.id = "rst-new";
    e_new.kernel = ">=6.2";
    r.record.expectations = {e_old, e_new};
    return r;
}

TEST(ComparisonTable, ADifferenceAKernelConditionExplainsIsNotAnUnexplainedOne) {
    auto c = lab::analysis::compare_runs({changed_behaviour_run("6.18.44", true), changed_behaviour_run("6.1.0-57-amd64", false)});
    EXPECT_EQ(c.verdicts_differ, 0u);
    EXPECT_EQ(c.kernel_explained, 2u);
    ASSERT_EQ(c.rows.size(), 2u);
    EXPECT_EQ(c.rows[0].difference, lab::analysis::Difference::Kernel);
    EXPECT_EQ(c.rows[0].kernel, "<6.2");
    EXPECT_THAT(c.differences[1], HasSubstr("rst-new: judged only on kernels >=6.2"));
    EXPECT_THAT(c.table, HasSubstr("0 verdicts differ, 2 by a kernel condition"));
}

TEST(ComparisonTable, AKernelConditionDoesNotExcuseADifferenceWhereItJudges) {
    auto newer = changed_behaviour_run("6.18.44", true);
    auto also_newer = changed_behaviour_run("6.12.117", true);
    also_newer.verdicts[1].status = VerdictStatus::Fail;
    auto c = lab::analysis::compare_runs({newer, also_newer, changed_behaviour_run("6.1.0", false)});
    EXPECT_EQ(c.rows[1].difference, lab::analysis::Difference::Verdict);
    EXPECT_EQ(c.verdicts_differ, 1u);
}

TEST(ComparisonTable, ADifferenceAfterTheRunFellBehindIsSuspectNotAKernelFinding) {
    auto on_time = run("6.18.44", "none", {verdict("queue", "31", VerdictStatus::Pass), verdict("exits", "100", VerdictStatus::Pass)});
    auto late = run("6.1.0", "netem", {verdict("queue", "0", VerdictStatus::Fail), verdict("exits", "100", VerdictStatus::Pass)});
    lab::record::Expectation queue, exits;
    queue.id = "queue";
    queue.at = "settled";
    exits.id = "exits";
    for (auto* r : {&on_time, &late}) r->record.expectations = {queue, exits};
    on_time.record.timeline = {{"run 'nc' ×100", "s.toml:9:1", 0.3, 0.301, 0.4}, {"snapshot 'settled'", "s.toml:12:1", 1.8, 1.801, 1.9}};
    late.record.timeline = {{"run 'nc' ×100", "s.toml:9:1", 0.3, 0.301, 3.4}, {"snapshot 'settled'", "s.toml:12:1", 1.8, 3.4, 3.5}};
    auto c = lab::analysis::compare_runs({on_time, late});
    EXPECT_EQ(c.verdicts_differ, 0u);
    EXPECT_EQ(c.late_suspect, 1u);
    EXPECT_EQ(c.rows[0].difference, lab::analysis::Difference::Late);
    EXPECT_EQ(c.rows[0].late, (std::vector<bool>{false, true}));
    ASSERT_EQ(c.late_runs.size(), 1u);
    EXPECT_THAT(c.late_runs[0], HasSubstr("6.1.0 [netem]: snapshot 'settled' started 1.60 s late"));
    EXPECT_THAT(c.table, HasSubstr("0 (late)"));
    EXPECT_THAT(c.table, HasSubstr("not from its kernel"));
}

TEST(ComparisonTable, AFailedGuardMakesTheRunsDifferencesSuspectNotKernelFindings) {
    // The guard: wave 1's connects all started within 50 ms. The fast run's did; the stalled run's took 91 ms,
    // and its clients then counted differently: neither difference is the kernel's.
    auto with_wave = [](lab::analysis::JudgedRun r, double last_start) {
        for (double start : {0.4, last_start}) {
            lab::record::Event ev;
            ev.process = "cli";
            ev.op = "connect";
            ev.start_t = start;
            ev.values["wave"] = 1;
            r.record.events.push_back(ev);
        }
        lab::record::Expectation clients, guard;
        clients.id = "clients";
        clients.at = "settled";
        guard.id = "wave-left";
        guard.kind = lab::record::ExpectKind::Events;
        guard.process = "cli";
        guard.op = "connect";
        guard.wave = 1;
        guard.timing = "start_spread";
        guard.max = 50;
        guard.guard = true;
        r.record.expectations = {clients, guard};
        r.record.timeline = {{"snapshot 'settled'", "s.toml:12:1", 2.5, 2.501, 2.6}};
        return r;
    };
    auto fast = with_wave(run("6.18.44", "none", {verdict("clients", "100", VerdictStatus::Pass),
                                                  guard_verdict("1", VerdictStatus::Pass)}),
                          0.401);
    auto stalled = with_wave(run("6.1.0", "netem", {verdict("clients", "91", VerdictStatus::Fail),
                                                    guard_verdict("91", VerdictStatus::Fail)}),
                             0.491);
    auto c = lab::analysis::compare_runs({fast, stalled});
    EXPECT_EQ(c.verdicts_differ, 0u);
    EXPECT_EQ(c.late_suspect, 2u);
    EXPECT_EQ(c.rows[0].difference, lab::analysis::Difference::Late);
    EXPECT_EQ(c.rows[1].difference, lab::analysis::Difference::Late);
    ASSERT_EQ(c.late_runs.size(), 1u);
    EXPECT_THAT(c.late_runs[0], HasSubstr("6.1.0 [netem]: guard 'wave-left' failed: observed 91, expected ≤ 50"));

    // Two runs that both kept the pace, at different speeds: the guard's number is the machine's, not a
    // kernel difference worth a line.
    auto also_fast = with_wave(run("6.12.117", "netem", {verdict("clients", "100", VerdictStatus::Pass),
                                                         guard_verdict("9", VerdictStatus::Pass)}),
                               0.409);
    c = lab::analysis::compare_runs({fast, also_fast});
    EXPECT_EQ(c.rows[1].difference, lab::analysis::Difference::None);
    EXPECT_EQ(c.observations_differ, 0u);
    EXPECT_TRUE(c.differences.empty());
}

}  // namespace
