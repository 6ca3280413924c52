#pragma once
// A sampled run's time series drawn as SVG files in its own directory (plots/series-NN-….svg), for slides
// and for a look at how the numbers moved; the series table in `lab report` is the text of the same.
#include <string>

#include "record/run_record.hpp"
#include "sys/directory.hpp"

namespace lab::cli {

// Nothing for a run that sampled nothing. Returns "" when every plot was drawn, else one line saying what
// was not ("gnuplot not found: …", "2 of 9 series plots could not be drawn: …"): a run is not failed for it.
std::string write_series_plots(const record::RunRecord& record, const sys::Directory& run_directory);

}  // namespace lab::cli
