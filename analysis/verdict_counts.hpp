#pragma once
// The tally every report ends with. A skipped expectation is neither passed nor failed, but it is
// counted in the total, so "4/5 passed" with one skip never reads as a clean run.
#include <cstddef>
#include <string>
#include <vector>

#include "record/run_record.hpp"

namespace lab::analysis {

struct VerdictCounts {
    std::size_t passed = 0;
    std::size_t failed = 0;
    std::size_t skipped = 0;
    std::size_t total = 0;
};

VerdictCounts count_verdicts(const std::vector<record::Verdict>& verdicts);

VerdictCounts& operator+=(VerdictCounts& a, const VerdictCounts& b);

// "2/4 expectations passed, 1 failed, 1 skipped"; the failed and skipped parts only when non-zero.
std::string counts_text(const VerdictCounts& c);

}  // namespace lab::analysis
