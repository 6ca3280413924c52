#pragma once
// A sweep made ready to run: its scenario file parsed once, its grid expanded, and every cell parsed and
// validated as a scenario of its own — all before anything touches the kernel. A problem that holds in
// every cell is reported once; one that holds only in some says in which ("in 3 of 56 cells, e.g.
// backlog=1 synack_retries=0"), so that an error names the file:line:column and the values that cause it.
#include <map>
#include <string>
#include <vector>

#include "runner/scenario.hpp"
#include "runner/scenario_budget.hpp"
#include "runner/sweep_spec.hpp"

namespace lab::runner {

struct SweepPlan {
    std::string file;
    std::string text_hash;  // of the file's text: a resumed sweep must be of the same file
    SweepSpec spec;
    std::vector<Scenario> cells;  // grid order; each carries its cell (Scenario::sweep)
};

// What the command line changes in the grid before it is expanded: `values` replaces a variable's list
// (`--var backlog=1,30`), `fixed` pins a variable to one value (`--set cookies=0`).
struct SweepOverrides {
    std::map<std::string, std::vector<std::string>> values;
    std::map<std::string, std::string> fixed;
};

// Throws ScenarioError with every problem; a file without [sweep] is one of them.
SweepPlan plan_sweep(const std::string& path, const SweepOverrides& overrides = {},
                     const ResourceLimits& limits = current_resource_limits());

// Every cell of a scenario's grid parsed, for `lab validate`: the problems (none for a scenario without
// a [sweep] table: its one parse is the caller's), as plan_sweep words them.
std::vector<std::string> sweep_cell_problems(const std::string& path, const ResourceLimits& limits = current_resource_limits());

}  // namespace lab::runner
