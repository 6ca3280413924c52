#pragma once
// The x axis of a sweep plot, from a variable's values: numeric when every value is a number (as the
// scenario wrote it, or text that reads as one), in milliseconds when every value is a duration ("25ms"),
// otherwise categorical — evenly spaced, labelled with the values as written.
#include <string>
#include <vector>

#include "analysis/sweep.hpp"

namespace lab::analysis {

enum class AxisKind { Numeric, Duration, Categorical };

struct PlotAxis {
    AxisKind kind = AxisKind::Categorical;
    std::string label;                    // the variable's name; "delay (ms)" for durations
    std::vector<double> positions;        // per value of the variable
    std::vector<std::string> tic_labels;  // per value; empty: gnuplot chooses the tics (a numeric axis of many values)
    bool logarithmic = false;             // positive values spanning two decades or more (backlog 16 … 4096)
    bool evenly_spaced = false;           // such a span with a 0 in it: positions are the values' indices
};

PlotAxis plot_axis(const SweepAxis& axis);

const char* to_string(AxisKind kind);

}  // namespace lab::analysis
