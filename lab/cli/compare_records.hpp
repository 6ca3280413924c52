#pragma once
// Groups judged runs by scenario and prints one comparison table per scenario that ran on more than
// one kernel (or more than once), then one screen that sums them up; or, for --markdown, the document
// docs/kernels.md is made of; or, for --json, the same as one JSON document. Shared by `lab compare`
// and `lab vm run --compare-host`.
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "analysis/comparison_table.hpp"

namespace lab::cli {

// One scenario's runs, in the order first seen; a second run on the same kernel is labelled "#2".
struct ScenarioRuns {
    std::string scenario;
    std::vector<analysis::JudgedRun> runs;
};

std::vector<ScenarioRuns> group_by_scenario(std::vector<analysis::JudgedRun> runs);

enum class ComparisonOutput { Tables, Markdown };

// kExitPass when no verdict differs unexplained (a kernel condition may explain it) and no differing run
// fell behind its timeline; kExitFail otherwise.
int print_comparisons(std::vector<analysis::JudgedRun> runs, ComparisonOutput output = ComparisonOutput::Tables);

// The same comparison as JSON (`lab compare --json`, docs/json-output.md); `status` is set as
// print_comparisons would return it.
nlohmann::json comparisons_json(std::vector<analysis::JudgedRun> runs, int& status);

}  // namespace lab::cli
