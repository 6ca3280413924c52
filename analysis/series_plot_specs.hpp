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

}  // namespace lab::analysis
