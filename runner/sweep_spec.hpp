#pragma once
// A scenario's [sweep] table: the variables a sweep varies, their values, and how they combine into the
// cells of its grid. Parsed with the rest of the file (errors as file:line:column); the cells come out of
// expand_cells in grid order, each assigning every variable.
//
//   [sweep]
//   name    = "backlog-vs-retries"          # label of the sweep's tables (default: the scenario's name)
//   rows    = "backlog"                     # pivot tables: this variable down the rows ...
//   columns = "synack_retries"              # ... and this one across (default: the first two declared)
//   zip     = [["delay", "gap"]]            # these move in lockstep (lists of equal length)
//   exclude = [{ syncookies = 1, backlog = 1 }]   # cells matching every given value are left out
//   points  = [{ delay = "0ms", gap = "0ms" }]    # cells given one by one (instead of, or beside, vars)
//   repeat  = 3                             # runs per cell (default 1; `lab sweep --repeat` overrides)
//   [sweep.vars]
//   backlog = [1, 2, 5, 10, 30, 64, 128]
//   [sweep.defaults]                        # the cell `lab run` plays without --set (default: first values)
//   backlog = 30
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "common/units.hpp"
#include "record/run_record.hpp"
#include "runner/scenario.hpp"
#include "runner/scenario_budget.hpp"
#include "runner/toml_reader.hpp"

namespace lab::runner {

enum class SweepValueKind { Integer, Number, Boolean, Text };

struct SweepVariableSpec {
    std::string name;
    SweepValueKind kind = SweepValueKind::Integer;
    std::vector<record::SweepValue> values;  // as listed, then those only points give, first seen first
    std::size_t listed = 0;                   // how many [sweep.vars] listed: the grid's axis
    SourceLocation where;
};

using SweepCell = std::vector<record::SweepValue>;  // every variable, in declared order

struct SweepSpec {
    std::string label;
    std::vector<SweepVariableSpec> variables;  // declared order
    std::vector<std::vector<std::string>> zip;
    std::vector<SweepCell> points;
    std::vector<std::map<std::string, record::SweepValue>> exclude;
    SweepCell defaults;  // every variable
    std::string rows;
    std::string columns;
    int repeats = 1;  // runs per cell unless `lab sweep --repeat` says otherwise
    SourceLocation where;

    const SweepVariableSpec* find(const std::string& name) const;
    std::vector<record::SweepVariable> axes() const;  // for records: names and value texts
    record::SweepGrid grid() const;                   // for records: which combinations are cells
};

// Reads the [sweep] table (nullopt when the file has none), reporting every problem through `reader`.
std::optional<SweepSpec> parse_sweep_spec(const toml::table& root, TomlReader& reader, const std::string& scenario_name);

// The grid: the product of the variables (zip groups moving together, the last variable fastest), then
// the points, without duplicates and excluded cells. Throws std::runtime_error, with the numbers, when it
// exceeds max_cells (the product alone is counted first: a grid too big is never made).
std::vector<SweepCell> expand_cells(const SweepSpec& spec, std::size_t max_cells = kMaxSweepCells);

// The defaults with `overrides` ("backlog" → "30") applied; errors name the variable and its kind, at the
// file:line:column where the variable (or, for a name it does not declare, the [sweep] table) is written.
Parsed<SweepCell> cell_with(const SweepSpec& spec, const std::map<std::string, std::string>& overrides);

// A value of `variable` from command-line text: "30" for an integer variable, "25ms" for a text one.
Parsed<record::SweepValue> sweep_value_from_text(const SweepVariableSpec& variable, std::string_view text);

// Stable over runs and machines, changed by any edit of the file or any value: 12 hex digits.
std::string sweep_cell_id(std::string_view scenario_text, const SweepCell& cell);

// The same ids for many cells of one file, its text hashed once rather than once per cell (comments and
// all: 10 000 cells of a 1 MB file would hash 10 GB).
class SweepCellIds {
public:
    explicit SweepCellIds(std::string_view scenario_text);
    std::string operator()(const SweepCell& cell) const;

private:
    std::uint64_t text_hash_;
};

// "backlog=30 synack_retries=2", for messages and table titles.
std::string describe_cell(const SweepCell& cell);

}  // namespace lab::runner
