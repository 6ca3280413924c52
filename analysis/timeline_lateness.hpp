#pragma once
// How far a run's timeline fell behind its scenario. Every step waits for its `at`; on a machine too
// busy to start processes or take snapshots in time, later steps start late, and an expectation on a
// late snapshot sees a later kernel state than the scenario meant. The report says so instead of
// leaving a puzzling verdict.
#include <string>
#include <vector>

#include "record/run_record.hpp"

namespace lab::analysis {

// The timeline polls every 5 ms and a snapshot of a few namespaces takes tens of ms: a step more than
// this late means the machine could not keep the scenario's time.
inline constexpr double kLateStepSeconds = 0.25;

struct LateStep {
    record::StepTiming timing;
    double late_s = 0;  // started_t - due_t
    // Set for a guard expectation that failed (timing.step "guard 'id'", timing.origin its line): what
    // it saw and wanted. The whole run fell behind, whatever its steps' times say.
    std::string guard_failed = {};
};

// First every guard expectation that failed (by `verdicts`: the record's, judged); then the steps that
// started more than `tolerance_s` after they were due and moved an observation, the latest first: never a
// wait that ended in time (it holds the timeline until it ends, and the steps after it are due then), nor
// a late run or impairment that a wait after it absorbed before the next snapshot. A wait that timed out
// is one (late by its end less its due time): the state it waited for did not come in time.
std::vector<LateStep> late_steps(const record::RunRecord& r, const std::vector<record::Verdict>& verdicts,
                                 double tolerance_s = kLateStepSeconds);
// The same, judging the record's guards itself: for a caller that has no verdicts at hand.
std::vector<LateStep> late_steps(const record::RunRecord& r, double tolerance_s = kLateStepSeconds);

// "run 'multi' started 1.24 s late", "wait 'client1' timed out after 15.00 s", or "guard 'wave-left' failed:
// observed 91.2, expected in [0, 250]": the step and how it fell behind.
std::string late_step_text(const LateStep& late);

// One line for the report: "every step within 8 ms of its time", or which step was late and by how
// much. Empty for a record without a timeline (written before lab kept one).
std::string timeline_text(const record::RunRecord& r, const std::vector<record::Verdict>& verdicts);
std::string timeline_text(const record::RunRecord& r);

}  // namespace lab::analysis
