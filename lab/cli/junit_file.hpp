#pragma once
// `lab run --junit FILE`: the runs' verdicts as JUnit XML (analysis/junit_xml.hpp, the writer a sweep's
// junit.xml comes from), written as every file lab writes as root: through its directory's descriptor,
// with mode 0644, replacing a regular file and never following a symlink (sys/directory.hpp).
#include <string>
#include <vector>

#include "record/run_record.hpp"

namespace lab::cli {

// Throws std::runtime_error naming what is wrong with the path or the failing call and its errno.
void write_junit_file(const std::string& path, const std::vector<const record::RunRecord*>& records);

}  // namespace lab::cli
