#pragma once
// The end of every run lab makes, whichever command made it: judge the record (verdicts and metric
// values, analysis/), then write record.json into the run's own directory, by its descriptor, and for a
// sampled run its series plots (lab/cli/series_plot_files.hpp).
#include <string>

#include "record/run_record.hpp"
#include "sys/directory.hpp"

namespace lab::cli {

// Returns what could not be drawn ("" when nothing was missing): never a reason to fail the run.
std::string judge_and_write(record::RunRecord& record, const sys::Directory& run_directory);

}  // namespace lab::cli
