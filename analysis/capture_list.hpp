#pragma once
// The capture files of a run, one line each with the tcpdump command that reads it and what lab counted
// while writing it: what `lab report` prints under the verdict table.
#include <string>

#include "record/run_record.hpp"

namespace lab::analysis {

// "" when the run captured nothing.
std::string capture_list(const record::RunRecord& r);

}  // namespace lab::analysis
