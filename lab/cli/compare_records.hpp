#pragma once
// Groups judged runs by scenario and prints one comparison table per scenario that ran on more than
// one kernel (or more than once); shared by `lab compare` and `lab vm run --compare-host`.
#include <vector>

#include "analysis/comparison_table.hpp"

namespace lab::cli {

// Returns kExitPass when no verdict differs anywhere, kExitFail when one does.
int print_comparisons(std::vector<analysis::JudgedRun> runs);

}  // namespace lab::cli
