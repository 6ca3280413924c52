#pragma once
// A run's sampled series as text: per host, time down and the numbers someone watching a server's
// connection handling looks at first across. What `lab report` prints under the verdict table.
#include <cstddef>
#include <string>

#include "record/run_record.hpp"

namespace lab::analysis {

// "" when the run sampled nothing. A long series shows at most `max_rows` samples, evenly picked, the
// first and the last among them.
std::string series_table(const record::RunRecord& r, std::size_t max_rows = 20);

}  // namespace lab::analysis
