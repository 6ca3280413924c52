#pragma once
// The plots of a sweep, drawn: each spec with its SVG, or why it has none. A missing gnuplot is not an
// error of the report: `unavailable` says so once, and the page says that plots are unavailable.
#include <chrono>
#include <string>
#include <vector>

#include "analysis/plot_spec.hpp"

namespace lab::analysis {

struct RenderedPlot {
    PlotSpec spec;
    std::string svg;    // as gnuplot wrote it (a standalone SVG document); "" when it failed
    std::string error;  // "no values to plot", gnuplot's message, ...
};

struct RenderedPlots {
    std::vector<RenderedPlot> plots;  // one per spec, same order
    std::string unavailable;          // set when no plot could be drawn at all: "gnuplot not found: install gnuplot-nox"
};

// Runs gnuplot once per spec that has something to plot, each bounded by `limit_each`.
RenderedPlots render_plots(const std::vector<PlotSpec>& specs,
                           std::chrono::milliseconds limit_each = std::chrono::seconds(10));

}  // namespace lab::analysis
