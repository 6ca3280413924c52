#pragma once
// report.md of a sweep: the overview (grid, completeness, failing and flaky cells), the marks' legend,
// then per metric one pivot table per slice of the grid. GitHub-flavoured Markdown that also reads as
// plain text in a terminal.
#include <string>

#include "analysis/sweep.hpp"

namespace lab::analysis {

std::string sweep_report_markdown(const Sweep& sweep);

}  // namespace lab::analysis
