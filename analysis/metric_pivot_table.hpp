#pragma once
// A metric across a sweep, as the tables that report.md and report.html draw: per slice of the grid, the
// row variable down, the column variable across, each cell the median [min–max] n over its repeats with
// its marks. The content is built once here; each format only renders it.
#include <string>
#include <vector>

#include "analysis/sweep.hpp"
#include "analysis/sweep_pivot.hpp"

namespace lab::analysis {

struct PivotEntry {
    std::string text;   // "30 [29–31] n=3"; "—" when no repeat gave a value; "missing" without any record;
                        // "·" for a combination that is not a cell of the sweep
    std::string marks;  // cell_marks(): "✗↯⚠" or a part of it
    bool missing = false;
};

struct PivotRow {
    std::string label;  // the row variable's value
    std::vector<PivotEntry> entries;  // one per header
};

struct PivotTable {
    std::string title;                 // the slice ("abort=0, syncookies=1"); "" when nothing else varies
    std::string row_variable;          // its name heads the row labels
    std::string column_variable;       // "" in a one-variable sweep
    std::vector<std::string> headers;  // the column variable's values; the metric id in a one-variable sweep
    std::string documented;            // the metric's documented figure, a column of its own when not ""
    std::vector<PivotRow> rows;
    std::vector<std::string> notes;    // why a repeat has no value: "backlog=30, syncookies=1, repeat 2: ..."
};

// "accept_queue — accept-queue length (connections)": id, description and unit as far as given.
std::string metric_heading(const record::Metric& metric);

std::vector<PivotTable> metric_pivot_tables(const Sweep& sweep, const PivotLayout& layout, const record::Metric& metric);

}  // namespace lab::analysis
