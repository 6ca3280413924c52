#pragma once
// A metric over the repeats of one sweep cell: the median and the range, and how many repeats gave a
// value. Repeats are few (3, 5, 20), so the range says more than a standard deviation would, and the
// median is what a line through a plot follows.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "analysis/sweep.hpp"

namespace lab::analysis {

struct Spread {
    double median = 0;  // of an even count: the mean of the middle two
    double min = 0;
    double max = 0;
    std::size_t n = 0;
};

std::optional<Spread> spread_of(std::vector<double> values);  // none for no values

// One metric in one cell: the values its runs recorded, and for each run without one, why.
struct CellMetric {
    std::optional<Spread> spread;
    std::vector<std::string> problems;  // "repeat 2: snapshot 'steady' was not taken ..."
};

CellMetric cell_metric(const SweepCell& cell, const std::string& metric_id);

// "30 [29–31] n=3"; "31 n=3" when every repeat agrees; "—" without any value.
std::string spread_text(const std::optional<Spread>& s);

}  // namespace lab::analysis
