#pragma once
// What a reader needs before the metric tables of a sweep report: which sweep, scenario, kernels and
// backends, how complete the grid is (missing cells, duplicated or foreign records), and which
// expectations failed, or changed between repeats, in which cells. report.md and report.html render it.
#include <cstddef>
#include <string>
#include <vector>

#include "analysis/sweep.hpp"
#include "analysis/sweep_pivot.hpp"

namespace lab::analysis {

struct OverviewFact {
    std::string label;               // "scenario", "kernel", "missing cells", ...
    std::string value;               // one line
    std::vector<std::string> items;  // a list beneath the line (each missing cell, each duplicate, ...)
};

// A cell with something to say: a failure, a flaky verdict, a run that did not complete.
struct CellVerdictLine {
    std::string cell;   // "backlog=30, syncookies=1"
    std::string marks;  // as in the tables
    std::vector<std::string> items;  // "accept-queue (expected = 31): fail 2/3, pass 1/3; observed 30, 32 — x.toml:41:1"
};

struct SweepOverview {
    std::string title;  // "sweep backlog-sweep"
    std::vector<OverviewFact> facts;
    std::string verdict_total;  // "18 runs (1 error, 0 cut short); 49/51 expectations passed, 2 failed; 1 flaky cell"
    std::vector<CellVerdictLine> cells;
    std::size_t quiet_cells = 0;  // recorded cells with nothing to say: every run completed and passed
};

SweepOverview sweep_overview(const Sweep& sweep, const PivotLayout& layout);

}  // namespace lab::analysis
