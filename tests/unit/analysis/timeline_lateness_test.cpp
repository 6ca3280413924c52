#include "analysis/timeline_lateness.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "analysis/evaluate.hpp"
#include "analysis/verdict_table.hpp"
#include "sample_record.hpp"

using lab::analysis::late_steps;
using lab::analysis::timeline_text;
using lab::record::RunRecord;
using testing::HasSubstr;

namespace {

RunRecord with_timeline(std::vector<lab::record::StepTiming> timeline) {
    RunRecord r = lab::analysis::test::sample_record();
    r.timeline = std::move(timeline);
    return r;
}

TEST(TimelineLateness, OnTimeStepsSayHowCloseTheyCame) {
    RunRecord r = with_timeline({{"run 'srv'", "s.toml:10:1", 0, 0.001, 0.002},
                                 {"snapshot 'settled'", "s.toml:20:1", 2.5, 2.508, 2.6},
                                 {"wait 'cli'", "s.toml:30:1", 2.6, 2.6, 8.0},
                                 // held by the wait before it, not late: due when the wait ended
                                 {"snapshot 'gone'", "s.toml:40:1", 8.0, 8.003, 8.1}});
    EXPECT_TRUE(late_steps(r).empty());
    EXPECT_EQ(timeline_text(r), "every step within 8 ms of its time");
}

TEST(TimelineLateness, TheLatestStepIsNamedWithItsLineAndTimes) {
    RunRecord r = with_timeline({{"run 'nc' ×100", "s.toml:63:1", 0.6, 0.6, 5.3},
                                 {"snapshot 'settled'", "s.toml:66:1", 2.5, 5.62, 5.7},
                                 {"wait 'nc'", "s.toml:69:1", 2.6, 5.7, 9.0},
                                 {"run 'late'", "s.toml:75:1", 9.0, 9.4, 9.4},
                                 {"snapshot 'gone'", "s.toml:80:1", 9.5, 9.5, 9.6}});
    auto late = late_steps(r);
    ASSERT_EQ(late.size(), 2u);
    EXPECT_EQ(late[0].timing.step, "snapshot 'settled'");
    EXPECT_NEAR(late[0].late_s, 3.12, 1e-9);
    EXPECT_EQ(late[1].timing.step, "run 'late'");
    EXPECT_EQ(lab::analysis::late_step_text(late[1]), "run 'late' started 0.40 s late");
    EXPECT_EQ(timeline_text(r),
              "LATE: snapshot 'settled' (s.toml:66:1) started 3.12s late, at 5.62s instead of 2.50s; 1 more step "
              "over 250 ms. The machine could not keep the scenario's time: what was observed after it may be later "
              "than meant.");
    EXPECT_THAT(lab::analysis::verdict_table(r, r.verdicts), HasSubstr("LATE: snapshot 'settled'"));
    EXPECT_THAT(lab::analysis::verdict_table_markdown(r, r.verdicts), HasSubstr("**timeline:** LATE"));
}

TEST(TimelineLateness, AWaitIsNeverLateAndAbsorbsTheLateStartsBeforeIt) {
    // A guest that takes 0.4 s to start its servers, then waits until they listen: nothing observed moved.
    RunRecord r = with_timeline({{"run 'srv1'", "s.toml:10:1", 0, 0.001, 0.2},
                                 {"run 'srv2'", "s.toml:12:1", 0, 0.2, 0.4},
                                 {"wait for 1 tcp listen local port 7001 on 'server'", "s.toml:14:1", 0, 0.4, 0.45},
                                 {"run 'cli'", "s.toml:16:1", 0.45, 0.45, 0.46},
                                 {"snapshot 'settled'", "s.toml:20:1", 1.8, 1.801, 1.9}});
    EXPECT_TRUE(late_steps(r).empty());
    EXPECT_EQ(timeline_text(r), "every step within 200 ms of its time");
}

TEST(TimelineLateness, AWaitThatTimedOutIsLateAndSaysSo) {
    // 5000 connections the guest could not establish within the wait's 4 s: the snapshot after it is suspect.
    lab::record::StepTiming wait{"wait for 5000 tcp established local port 7000 on 'server'", "s.toml:58:1", 0.2, 0.2, 4.2};
    wait.timed_out = true;
    RunRecord r = with_timeline({{"run 'srv'", "s.toml:10:1", 0, 0.001, 0.002}, wait,
                                 {"snapshot 'up'", "s.toml:60:1", 4.2, 4.21, 4.3}});
    auto late = late_steps(r);
    ASSERT_EQ(late.size(), 1u);
    EXPECT_TRUE(late[0].timing.timed_out);
    EXPECT_NEAR(late[0].late_s, 4.0, 1e-9);
    EXPECT_EQ(lab::analysis::late_step_text(late[0]),
              "wait for 5000 tcp established local port 7000 on 'server' timed out after 4.00 s");
    EXPECT_EQ(timeline_text(r),
              "LATE: wait for 5000 tcp established local port 7000 on 'server' (s.toml:58:1) timed out after 4.00s, at "
              "4.20s. The machine could not keep the scenario's time: what was observed after it may be later than "
              "meant.");
}

TEST(TimelineLateness, PrestartedCopiesSayHowTogetherTheyWereLetGo) {
    lab::record::StepTiming release{"run 'nc' ×100", "s.toml:63:1", 0.3, 0.301, 0.302};
    release.released = 100;
    release.release_spread_s = 0.00021;
    RunRecord r = with_timeline({{"run 'srv'", "s.toml:10:1", 0, 0.001, 0.002}, release});
    EXPECT_EQ(timeline_text(r), "every step within 1 ms of its time; run 'nc' ×100 let 100 held calls go within 0.21 ms");
}

// A wave whose SYNs must all leave within one round trip, but the machine stalled: 91 ms > 50 ms.
RunRecord with_wave_guard(double second_wave_last_start) {
    RunRecord r = with_timeline({{"run 'srv'", "s.toml:10:1", 0, 0.001, 0.002},
                                 {"snapshot 'settled'", "s.toml:20:1", 2.5, 2.508, 2.6}});
    r.events.clear();
    for (double start : {0.4, 0.401, second_wave_last_start}) {
        lab::record::Event ev;
        ev.process = "cli";
        ev.op = "connect";
        ev.start_t = start;
        ev.end_t = start + 0.05;
        ev.values["wave"] = 1;
        r.events.push_back(ev);
    }
    lab::record::Expectation guard;
    guard.id = "wave-left-in-one-round-trip";
    guard.origin = "s.toml:80:1";
    guard.kind = lab::record::ExpectKind::Events;
    guard.process = "cli";
    guard.op = "connect";
    guard.wave = 1;
    guard.timing = "start_spread";
    guard.max = 50;
    guard.guard = true;
    r.expectations.push_back(guard);
    return r;
}

TEST(TimelineLateness, AFailedGuardMeansTheRunFellBehindWhateverItsStepsSay) {
    EXPECT_TRUE(late_steps(with_wave_guard(0.42)).empty());
    RunRecord r = with_wave_guard(0.491);
    auto late = late_steps(r);
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(late[0].timing.step, "guard 'wave-left-in-one-round-trip'");
    EXPECT_EQ(lab::analysis::late_step_text(late[0]),
              "guard 'wave-left-in-one-round-trip' failed: observed 91, expected ≤ 50");
    EXPECT_THAT(timeline_text(r), HasSubstr("LATE: guard 'wave-left-in-one-round-trip' (s.toml:80:1) failed: observed 91"));
    // Before any late step, however late: the guard says the whole run does not mean what it should.
    r.timeline[1].started_t = 3.5;
    late = late_steps(r);
    ASSERT_EQ(late.size(), 2u);
    EXPECT_FALSE(late[0].guard_failed.empty());
    EXPECT_EQ(late[1].timing.step, "snapshot 'settled'");
}

// A caller that judged the record already passes its verdicts: the guard is read from them, not judged
// again (judging may read packet captures), and both ways agree.
TEST(TimelineLateness, TheGuardIsReadFromTheVerdictsGiven) {
    RunRecord r = with_wave_guard(0.491);
    const auto judged = lab::analysis::evaluate(r);
    const auto late = late_steps(r, judged);
    ASSERT_EQ(late.size(), 1u);
    EXPECT_EQ(lab::analysis::late_step_text(late[0]), lab::analysis::late_step_text(late_steps(r)[0]));
    EXPECT_EQ(timeline_text(r, judged), timeline_text(r));
    lab::record::Verdict held;
    held.id = "wave-left-in-one-round-trip";
    held.status = lab::record::VerdictStatus::Pass;
    EXPECT_TRUE(late_steps(r, {held}).empty());
    EXPECT_THAT(timeline_text(r, {held}), HasSubstr("every step within"));
}

TEST(TimelineLateness, ARecordWithoutATimelineSaysNothing) {
    RunRecord r = with_timeline({});
    EXPECT_EQ(timeline_text(r), "");
    EXPECT_THAT(lab::analysis::verdict_table(r, r.verdicts), testing::Not(HasSubstr("timeline")));
}

}  // namespace
