#pragma once
// The verdicts of one sweep cell over its repeats, and the marks that tables put beside the cell: an
// expectation that failed, a verdict that changed between repeats (flaky), a run that did not complete.
// A run whose outcome is "error" judged nothing (its snapshots were never taken): it is counted as an
// error, and its verdicts are left out of the tallies so that it cannot also make the cell look flaky.
#include <cstddef>
#include <string>
#include <vector>

#include "analysis/sweep.hpp"
#include "analysis/verdict_counts.hpp"

namespace lab::analysis {

// One expectation over the judged runs of a cell.
struct ExpectationTally {
    std::string id;
    std::string description;
    std::string origin;
    std::size_t passed = 0;
    std::size_t failed = 0;
    std::size_t skipped = 0;
    std::vector<std::string> expected;         // distinct texts (a sweep may make the bound depend on the cell)
    std::vector<std::string> failed_observed;  // distinct observations of the failing runs

    bool flaky() const;  // more than one status among the runs
    // "pass 3/3", "fail 2/3, pass 1/3": what happened to it, for summaries and comparisons.
    std::string outcome_text() const;
};

struct CellVerdicts {
    std::size_t runs = 0;
    std::size_t errors = 0;       // outcome "error": not judged
    std::size_t interrupted = 0;  // outcome "interrupted": not judged either (record::outcome_is_judged)
    std::size_t unfinished = 0;   // judged runs that did not complete (outcome "time-limit")
    VerdictCounts counts;        // over the judged runs
    std::vector<ExpectationTally> expectations;  // in order of first appearance
    std::vector<std::string> outcome_details;    // "repeat 1: error: <detail>" for each run that did not complete

    bool failed() const { return counts.failed > 0; }
    bool flaky() const;
    bool not_completed() const { return errors + interrupted + unfinished > 0; }
};

CellVerdicts cell_verdicts(const SweepCell& cell);

inline constexpr const char* kFailedMark = "✗";
inline constexpr const char* kFlakyMark = "↯";
inline constexpr const char* kNotCompletedMark = "⚠";

// The marks, in this order, without separators: "✗" failed, "↯" flaky, "⚠" not completed; "" for none.
std::string cell_marks(const CellVerdicts& v);

struct MarkMeaning {
    std::string mark;
    std::string meaning;
};
// What each mark means, for the legend beneath a report's tables.
std::vector<MarkMeaning> mark_legend();

}  // namespace lab::analysis
