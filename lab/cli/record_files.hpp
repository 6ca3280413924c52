#pragma once
// Stored RunRecords named on the command line: record.json files as given, directories searched for
// every record.json beneath them (a `lab run --out DIR` or `lab vm run` results directory).
#include <string>
#include <vector>

#include "record/run_record.hpp"

namespace lab::cli {

// Sorted paths; throws std::runtime_error naming an argument that is neither a file nor a directory, or
// a directory without any record.json.
std::vector<std::string> find_record_files(const std::vector<std::string>& args);

// Throws std::runtime_error naming the file and what is wrong with it.
record::RunRecord load_record(const std::string& path);

}  // namespace lab::cli
