#include "analysis/cell_verdicts.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace lab::analysis {
namespace {

}  // namespace

bool ExpectationTally::flaky() const { return (passed > 0) + (failed > 0) + (skipped > 0) > 1; }

std::string ExpectationTally::outcome_text() const {
    std::size_t total = passed + failed + skipped;
    std::vector<std::string> parts;
    if (failed) parts.push_back(fmt::format("fail {}/{}", failed, total));
    if (passed) parts.push_back(fmt::format("pass {}/{}", passed, total));
    if (skipped) parts.push_back(fmt::format("skip {}/{}", skipped, total));
    return parts.empty() ? "not judged" : fmt::format("{}", fmt::join(parts, ", "));
}

bool CellVerdicts::flaky() const {
    return std::any_of(expectations.begin(), expectations.end(), [](const ExpectationTally& t) { return t.flaky(); });
}

CellVerdicts cell_verdicts(const SweepCell& cell) {
    CellVerdicts v;
    for (const auto& run : cell.runs) {
        const record::RunRecord& r = run.record;
        ++v.runs;
        int repeat = r.sweep ? r.sweep->repeat : 0;
        if (r.run.outcome != record::RunOutcome::Completed) {
            v.outcome_details.push_back(fmt::format("repeat {}: {}{}{}", repeat, record::to_string(r.run.outcome),
                                                    r.run.outcome_detail.empty() ? "" : ": ", r.run.outcome_detail));
            if (!record::outcome_is_judged(r.run.outcome)) {
                ++(r.run.outcome == record::RunOutcome::Error ? v.errors : v.interrupted);
                continue;
            }
            ++v.unfinished;
        }
        v.counts += count_verdicts(r.verdicts);
        for (const auto& verdict : r.verdicts) {
            auto it = std::find_if(v.expectations.begin(), v.expectations.end(),
                                   [&](const ExpectationTally& t) { return t.id == verdict.id; });
            if (it == v.expectations.end()) {
                v.expectations.push_back(ExpectationTally{verdict.id, verdict.description, verdict.origin, 0, 0, 0, {}, {}});
                it = std::prev(v.expectations.end());
            }
            add_distinct(it->expected, verdict.expected);
            switch (verdict.status) {
                case record::VerdictStatus::Pass: ++it->passed; break;
                case record::VerdictStatus::Fail:
                    ++it->failed;
                    add_distinct(it->failed_observed, verdict.observed.empty() ? "—" : verdict.observed);
                    break;
                case record::VerdictStatus::Skip: ++it->skipped; break;
            }
        }
    }
    return v;
}

std::string cell_marks(const CellVerdicts& v) {
    std::string out;
    if (v.failed()) out += kFailedMark;
    if (v.flaky()) out += kFlakyMark;
    if (v.not_completed()) out += kNotCompletedMark;
    return out;
}

std::vector<MarkMeaning> mark_legend() {
    return {{kFailedMark, "an expectation failed in at least one repeat"},
            {kFlakyMark, "flaky: an expectation's verdict differs between repeats"},
            {kNotCompletedMark, "a repeat did not complete (error, time limit or interrupted); an error or interrupted run is not judged"}};
}

}  // namespace lab::analysis
