#pragma once
// A sweep's time series side by side: per quantity of analysis/series_quantity.hpp that some cell's run
// sampled above 0, one plot with a line per cell, so that a reader sees how the cells' runs moved, not
// only where they ended. A cell's line is its first stored run; at each step it is the sum over the run's
// sampled hosts (or one program's copies: a line per program), or the highest of them for a percentile.
#include <vector>

#include "analysis/plot_spec.hpp"
#include "analysis/sweep.hpp"

namespace lab::analysis {

// Host quantities first, then the agents'; empty when no run of the sweep sampled anything.
std::vector<PlotSpec> sweep_series_plot_specs(const Sweep& sweep);

}  // namespace lab::analysis
