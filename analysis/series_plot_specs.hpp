#pragma once
// What the plots of one run's time series show: per quantity (analysis/series_quantity.hpp) that is ever
// above 0, the value over the run's time, a line per sampled host, or per agent process for the agents'
// per-second lines. Plain data for analysis/gnuplot_script, like a sweep's plots.
#include <vector>

#include "analysis/plot_spec.hpp"
#include "record/run_record.hpp"

namespace lab::analysis {

// Host quantities first, then the agents'; empty when the run sampled nothing.
std::vector<PlotSpec> series_plot_specs(const record::RunRecord& r);

// Appends `spec` when some value in it was above 0 (a plot of zeros says nothing), with a key when it has
// more than one line. A sweep's plots (sweep_series_plots) keep theirs the same way.
void keep_if_drawn(std::vector<PlotSpec>& out, PlotSpec spec, bool above_zero);

}  // namespace lab::analysis
