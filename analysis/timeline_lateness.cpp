#include "analysis/timeline_lateness.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "analysis/evaluate.hpp"
#include "analysis/number_text.hpp"

namespace lab::analysis {
namespace {

std::string lateness_text(double seconds) {
    if (seconds < 1) return fmt::format("{:.0f} ms", std::max(0.0, seconds) * 1e3);
    return seconds_text(seconds);
}

// "; run 'nc' ×100 let 100 held connects go within 0.21 ms" for each step of prestarted copies.
std::string releases_text(const record::RunRecord& r) {
    std::string out;
    for (const record::StepTiming& t : r.timeline) {
        if (!t.released) continue;
        out += fmt::format("; {} let {} held call{} go", t.step, *t.released, *t.released == 1 ? "" : "s");
        if (t.release_spread_s) out += fmt::format(" within {:.2f} ms", *t.release_spread_s * 1e3);
    }
    return out;
}

// The step texts lab itself writes (runner/scenario_run.cpp): "wait ...", "snapshot '...'".
bool is_wait(const record::StepTiming& t) { return t.step.rfind("wait ", 0) == 0; }
bool is_snapshot(const record::StepTiming& t) { return t.step.rfind("snapshot ", 0) == 0; }

bool has_guards(const record::RunRecord& r) {
    return std::any_of(r.expectations.begin(), r.expectations.end(), [](const auto& e) { return e.guard; });
}

// `verdicts`: the record's, judged; a guard is found among them by its id.
std::vector<LateStep> failed_guards(const record::RunRecord& r, const std::vector<record::Verdict>& verdicts) {
    std::vector<LateStep> failed;
    for (const record::Expectation& e : r.expectations) {
        if (!e.guard) continue;
        const auto v = std::find_if(verdicts.begin(), verdicts.end(), [&](const auto& x) { return x.id == e.id; });
        if (v == verdicts.end() || v->status != record::VerdictStatus::Fail) continue;
        LateStep step;
        step.timing.step = fmt::format("guard '{}'", e.id);
        step.timing.origin = e.origin;
        // Without an observation the detail says why (no such events, a snapshot not taken).
        step.guard_failed = v->observed.empty() ? v->detail : fmt::format("observed {}, expected {}", v->observed, v->expected);
        failed.push_back(std::move(step));
    }
    return failed;
}

}  // namespace

std::vector<LateStep> late_steps(const record::RunRecord& r, double tolerance_s) {
    // Only guards need the verdicts: a record without one is not evaluated (which may read its captures).
    return late_steps(r, has_guards(r) ? evaluate(r) : std::vector<record::Verdict>{}, tolerance_s);
}

std::vector<LateStep> late_steps(const record::RunRecord& r, const std::vector<record::Verdict>& verdicts,
                                 double tolerance_s) {
    std::vector<LateStep> guards = failed_guards(r, verdicts);
    std::vector<LateStep> late;
    const auto& steps = r.timeline;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const record::StepTiming& t = steps[i];
        if (is_wait(t)) {
            // The state it waited for never came in time: the steps after it ran on without it.
            if (t.timed_out) late.push_back({t, t.ended_t - t.due_t});
            continue;
        }
        if (t.started_t - t.due_t <= tolerance_s) continue;
        // A late start or impairment that a wait then absorbed (the steps after a wait are due when it
        // ends) moved no observation; a late snapshot always did.
        bool absorbed = false;
        for (std::size_t j = i + 1; j < steps.size() && !is_snapshot(t) && !is_snapshot(steps[j]); ++j)
            if (is_wait(steps[j])) {
                absorbed = true;
                break;
            }
        if (!absorbed) late.push_back({t, t.started_t - t.due_t});
    }
    std::stable_sort(late.begin(), late.end(), [](const LateStep& a, const LateStep& b) { return a.late_s > b.late_s; });
    guards.insert(guards.end(), late.begin(), late.end());
    return guards;
}

std::string late_step_text(const LateStep& late) {
    if (!late.guard_failed.empty()) return fmt::format("{} failed: {}", late.timing.step, late.guard_failed);
    if (late.timing.timed_out)
        return fmt::format("{} timed out after {:.2f} s", late.timing.step, late.timing.ended_t - late.timing.started_t);
    return fmt::format("{} started {:.2f} s late", late.timing.step, late.late_s);
}

std::string timeline_text(const record::RunRecord& r) {
    return timeline_text(r, has_guards(r) ? evaluate(r) : std::vector<record::Verdict>{});
}

std::string timeline_text(const record::RunRecord& r, const std::vector<record::Verdict>& verdicts) {
    if (r.timeline.empty()) return {};
    const std::vector<LateStep> late = late_steps(r, verdicts);
    if (late.empty()) {
        double worst = 0;
        for (const record::StepTiming& t : r.timeline)
            if (!is_wait(t)) worst = std::max(worst, t.started_t - t.due_t);
        return fmt::format("every step within {} of its time{}", lateness_text(worst), releases_text(r));
    }
    const LateStep& w = late.front();
    std::string text =
        !w.guard_failed.empty()
            ? fmt::format("LATE: {} ({}) failed: {}", w.timing.step, w.timing.origin.empty() ? "?" : w.timing.origin,
                          w.guard_failed)
        : w.timing.timed_out
            ? fmt::format("LATE: {} ({}) timed out after {}, at {}", w.timing.step,
                          w.timing.origin.empty() ? "?" : w.timing.origin,
                          lateness_text(w.timing.ended_t - w.timing.started_t), seconds_text(w.timing.ended_t))
            : fmt::format("LATE: {} ({}) started {} late, at {} instead of {}", w.timing.step,
                          w.timing.origin.empty() ? "?" : w.timing.origin, lateness_text(w.late_s),
                          seconds_text(w.timing.started_t), seconds_text(w.timing.due_t));
    if (late.size() > 1)
        text += fmt::format("; {} more step{} over {}", late.size() - 1, late.size() > 2 ? "s" : "",
                            lateness_text(kLateStepSeconds));
    text += releases_text(r);
    text += ". The machine could not keep the scenario's time: what was observed after it may be later than meant.";
    return text;
}

}  // namespace lab::analysis
