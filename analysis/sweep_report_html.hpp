#pragma once
// report.html of a sweep: one self-contained page (no network, no external CSS or script) with the
// overview and tables of report.md and, beneath each table, its plot as inline SVG. Every text from the
// records is escaped. Without plots (gnuplot missing, or a plot that failed) the page says so where the
// plot would be.
#include <string>

#include "analysis/rendered_plot.hpp"
#include "analysis/sweep.hpp"

namespace lab::analysis {

// `series_plots`: the cells' time series (analysis/sweep_series_plots.hpp), in a section of their own.
std::string sweep_report_html(const Sweep& sweep, const RenderedPlots& plots, const RenderedPlots& series_plots = {});

}  // namespace lab::analysis
