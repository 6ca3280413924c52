#pragma once
// Two or more sweeps of the same grid side by side (two kernels, two impairment backends, before and
// after a change): per metric the pivot tables with each sweep's median in adjacent columns, and every
// difference named in a list beneath — cell, metric, each side's median [range], and whether the ranges
// do not even overlap; then every cell × expectation whose verdicts differ. Markdown text; it backs
// `lab compare SWEEP_DIR...`. Cells are matched by their variables' values, not by cell id (an edited
// scenario gives new ids to the same grid points).
#include <cstddef>
#include <string>
#include <vector>

#include "analysis/sweep.hpp"

namespace lab::analysis {

struct SweepComparison {
    std::string markdown;
    std::size_t value_differences = 0;    // cell × metric where a sweep's median or range differs from the first's
    std::size_t separated_ranges = 0;     // ... and the two ranges do not overlap
    std::size_t verdict_differences = 0;  // cell × expectation whose verdicts differ from the first sweep's
    std::vector<std::string> differences;  // every difference, one line each, as listed in the text (plain, not Markdown)
};

// The first sweep is the baseline (A) that every other (B, C, ...) is compared with; its pivot choice lays
// out the tables. `names` label the sweeps in the legend (their directories, say); by default each is
// described by its label, kernels and backends.
SweepComparison compare_sweeps(const std::vector<Sweep>& sweeps, const std::vector<std::string>& names = {});

}  // namespace lab::analysis
