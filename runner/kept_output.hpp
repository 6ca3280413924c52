#pragma once
// The program output a run keeps in its record: the streams that the scenario's `output` selectors
// read (expectations and metrics), each up to record::kKeptOutputBytes, so that `lab report` and
// `lab compare` judge a stored record without its processes/ directory.
#include <set>
#include <string>
#include <utility>

#include "record/run_record.hpp"
#include "runner/scenario.hpp"

namespace lab::runner {

// (process name, "stdout" | "stderr") for every output selector of the scenario.
std::set<std::pair<std::string, std::string>> streams_read_by_output_selectors(const Scenario& s);

// The stream as the record keeps it: its first kKeptOutputBytes, and its whole size.
record::ProcessOutput kept_output(const std::string& process, int instance, const std::string& stream, std::string text);

}  // namespace lab::runner
