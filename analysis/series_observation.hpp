#pragma once
// The `series` selector: one number out of a host's sampled time series ([sample]), its metric reduced
// over the samples (max, min, mean, first, last) or read at a time (the last sample at or before it).
#include <optional>
#include <string>
#include <vector>

#include "analysis/observe.hpp"
#include "record/run_record.hpp"

namespace lab::analysis {

// The metric's values in the samples of `host` within [from_s, to_s], with their times; a sample without
// the metric (a process not yet started) is left out. Empty with `why` set when there is no such series.
struct SeriesValues {
    std::vector<double> t;
    std::vector<double> value;
    std::string why;
};
SeriesValues series_values(const record::RunRecord& r, const record::SeriesSelector& selector);

Observation observe_series(const record::RunRecord& r, const record::Selection& selection);

}  // namespace lab::analysis
