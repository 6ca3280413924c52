#pragma once
// How a sweep's grid is laid out on paper: one variable down the rows, another across the columns (the
// scenario's choice, else the first two declared), and every combination of the remaining variables as a
// table (and plot) of its own. Markdown, HTML, plots and comparisons share this one layout.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "analysis/sweep.hpp"

namespace lab::analysis {

struct PivotSlice {
    std::vector<std::size_t> fixed;  // per PivotLayout::others, the value index held fixed
    std::string title;               // "abort=0, syncookies=1"; "" when there are no other variables
};

struct PivotLayout {
    std::size_t rows = 0;                // axis index
    std::optional<std::size_t> columns;  // none in a one-variable sweep
    std::vector<std::size_t> others;     // the remaining axes, declared order
    std::vector<PivotSlice> slices;      // the last of `others` varying fastest; one slice when none; empty without axes
    std::vector<std::string> notes;      // a pivot choice the records make that does not fit the axes
};

PivotLayout pivot_layout(const Sweep& sweep);

// The cell of `slice` at the row variable's value `row` and the column variable's value `column` (ignored
// without a column variable).
const SweepCell& pivot_cell(const Sweep& sweep, const PivotLayout& layout, const PivotSlice& slice, std::size_t row,
                            std::size_t column);

}  // namespace lab::analysis
