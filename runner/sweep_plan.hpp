#pragma once
// A sweep made ready to run: its scenario file parsed once, its grid expanded, and every cell parsed and
// validated as a scenario of its own — all before anything touches the kernel. A problem that holds in
// every cell is reported once; one that holds only in some says in which ("in 3 of 56 cells, e.g.
// backlog=1 synack_retries=0"), so that an error names the file:line:column and the values that cause it.
#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/units.hpp"
#include "runner/scenario.hpp"
#include "runner/scenario_budget.hpp"
#include "runner/sweep_spec.hpp"

namespace lab::runner {

// What `lab sweep --dry-run`, the shard split and the kernel split need of a cell: no parsed scenario.
struct SweepCellOutline {
    std::string cell_id;
    SweepCell values;
    Duration last_step_at{};  // when the timeline's last step is due
    Duration time_limit{};
};

struct SweepPlan {
    std::string file;
    std::string text_hash;  // of the file's text: a resumed sweep must be of the same file
    SweepSpec spec;
    std::vector<SweepCellOutline> outline;  // every cell, grid order
    std::vector<Scenario> cells;  // grid order, each carrying its cell (Scenario::sweep); empty from outline_sweep
};

// What the command line changes in the grid before it is expanded: `values` replaces a variable's list
// (`--var backlog=1,30`), `fixed` pins a variable to one value (`--set cookies=0`).
struct SweepOverrides {
    std::map<std::string, std::vector<std::string>> values;
    std::map<std::string, std::string> fixed;
};

// Called with each cell as soon as it is parsed and found valid: its place in grid order, and the scenario
// (with Scenario::sweep), the visitor's to keep or to drop.
using SweepCellVisitor = std::function<void(std::size_t index, Scenario&& cell)>;

// The plan made one cell at a time: the grid is expanded and checked against the sweep's bounds
// (scenario_budget.hpp) before any cell is parsed, then each cell is parsed, validated and handed to
// `visit` — none is kept here, so memory holds one parsed cell whatever the grid. Every problem is thrown
// as a ScenarioError after the last cell (a file without [sweep] is one of them); a cell with a problem is
// not visited, and a cell visited before another's problem was found stays visited.
SweepPlan visit_sweep_cells(const std::string& path, const SweepOverrides& overrides, const ResourceLimits& limits,
                            const SweepCellVisitor& visit);

// Every cell kept (plan.cells): what `lab sweep` runs.
SweepPlan plan_sweep(const std::string& path, const SweepOverrides& overrides = {},
                     const ResourceLimits& limits = current_resource_limits());

// Every cell validated and only its outline kept: what `lab sweep --dry-run` lists.
SweepPlan outline_sweep(const std::string& path, const SweepOverrides& overrides = {},
                        const ResourceLimits& limits = current_resource_limits());

// Every cell of a scenario's grid parsed, for `lab validate`: the problems (none for a scenario without
// a [sweep] table: its one parse is the caller's), as plan_sweep words them. One cell at a time, as above.
std::vector<std::string> sweep_cell_problems(const std::string& path, const ResourceLimits& limits = current_resource_limits());

}  // namespace lab::runner
