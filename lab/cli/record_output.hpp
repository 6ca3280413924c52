#pragma once
// The end of every run lab makes, whichever command made it: judge the record (verdicts and metric
// values, analysis/), then write record.json into the run's own directory, by its descriptor.
#include "record/run_record.hpp"
#include "sys/directory.hpp"

namespace lab::cli {

void judge_and_write(record::RunRecord& record, const sys::Directory& run_directory);

}  // namespace lab::cli
