#pragma once
// What one plot of a sweep shows, before any drawing: a metric against the row variable, a line per value
// of the column variable through the medians, min–max error bars; one plot per slice of the grid. Plain
// data, so that the gnuplot script can be written (and tested) without gnuplot.
#include <string>
#include <string_view>
#include <vector>

#include "analysis/plot_axis.hpp"
#include "analysis/sweep.hpp"

namespace lab::analysis {

struct PlotPoint {
    double x = 0;
    double median = 0;
    double min = 0;
    double max = 0;
};

struct PlotSeries {
    std::string title;  // "syncookies=1"; the metric id in a one-variable sweep
    std::vector<PlotPoint> points;  // cells without a value are left out
};

struct PlotSpec {
    std::string name;       // "lab_plot_3": unique within a report, names the SVG's element ids
    std::string file_stem;  // "03-accept_queue-syncookies_1": only [A-Za-z0-9._-], for writing plots to files
    std::string metric_id;
    std::string slice;      // the slice's title, "" when nothing else varies
    std::string title;      // "accept_queue — accept-queue length [syncookies=1]"
    std::string y_label;    // the metric's unit ("count" when it has none)
    PlotAxis x;
    std::vector<PlotSeries> series;  // only series with a point; empty when no cell has a value
    bool key = true;        // a legend naming the series (not for the single line of a one-variable sweep)
    bool lines = false;     // a time series: plain lines through the medians, no points or error bars
};

// Per metric (sweep order), per slice (pivot order).
std::vector<PlotSpec> sweep_plot_specs(const Sweep& sweep);

// A piece of a plot's file name: only [A-Za-z0-9._-] ("sockets.syn-recv" stays), no leading dot, at most
// 80 characters.
std::string file_safe(std::string_view text);

}  // namespace lab::analysis
