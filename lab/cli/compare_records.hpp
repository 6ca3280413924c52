#pragma once
// Groups judged runs by scenario and prints one comparison table per scenario that ran on more than
// one kernel (or more than once), then one screen that sums them up; or, for --markdown, the document
// docs/kernels.md is made of. Shared by `lab compare` and `lab vm run --compare-host`.
#include <vector>

#include "analysis/comparison_table.hpp"

namespace lab::cli {

enum class ComparisonOutput { Tables, Markdown };

// kExitPass when no verdict differs unexplained (a kernel condition explains it) and no differing run fell
// behind its timeline; kExitFail otherwise.
int print_comparisons(std::vector<analysis::JudgedRun> runs, ComparisonOutput output = ComparisonOutput::Tables);

}  // namespace lab::cli
