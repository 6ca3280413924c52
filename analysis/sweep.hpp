#pragma once
// One sweep rebuilt from its records alone: the grid its records declare (every record carries the axes),
// each grid point with the runs recorded for it, and everything that did not fit said by name — records of
// another sweep, duplicated cell × repeat records, grid points nobody recorded. Tables, plots, CSV and
// JUnit are all drawn from this; none of them looks at a record's sweep fields again.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "record/run_record.hpp"

namespace lab::analysis {

// A record and where it was read from (its file), so that messages can name it.
struct StoredRecord {
    std::string source;
    record::RunRecord record;
};

// A variable of the sweep and the values it takes, in declared order.
struct SweepAxis {
    std::string name;
    std::vector<std::string> values;
    std::vector<std::optional<double>> numbers;  // per value: SweepValue::number as the records gave it
};

// One grid point.
struct SweepCell {
    std::vector<std::size_t> value_index;  // per axis, index into its values
    std::vector<std::string> values;       // per axis, the value's text
    std::string name;                      // "backlog=30, syncookies=1"
    std::string cell_id;                   // "" when no record of it was seen
    std::vector<StoredRecord> runs;        // ordered by repeat index; empty: the cell is missing
    // False for a combination of the axes that is not a cell of the sweep (excluded, or not made by its zip
    // groups, or a point-only value in another cell); such a cell is never missing.
    bool in_grid = true;
};

struct Sweep {
    std::string label;
    std::string scenario;  // the scenario's name and file, as the first record has them
    std::string scenario_file;
    std::vector<SweepAxis> axes;
    std::string rows;     // the records' pivot choice, "" = first variable (see sweep_pivot.hpp)
    std::string columns;  // "" = second variable
    int repeats = 0;      // runs per cell the sweep asked for (the largest count a record declares)
    std::vector<SweepCell> cells;        // every grid point, the last axis varying fastest
    std::vector<record::Metric> metrics;  // every metric id the records define, in order of first appearance
    std::vector<std::string> kernels;    // distinct values over the runs, in order of first appearance
    std::vector<std::string> backends;
    std::vector<std::string> hostnames;
    std::vector<std::string> duplicates;  // "SOURCE: cell X repeat 1 again (kept OTHER)"
    std::vector<std::string> rejected;    // "SOURCE: <why it is not part of this sweep>"
    std::vector<std::string> incomplete;  // "cell X: 2 of 3 repeats (no record of repeat 2)"

    std::size_t run_count() const;
    std::vector<const SweepCell*> missing_cells() const;  // cells of the grid without any record
    std::size_t grid_cell_count() const;                  // cells of the grid (in_grid)
    // The cell at these value indices (one per axis).
    const SweepCell& cell_at(const std::vector<std::size_t>& value_index) const;
};

// Takes the records of one sweep, in any order, from any number of machines. The first record with a sweep
// cell sets the sweep (label and axes); every other record must match it, or it is left out and named in
// `rejected`. Of two records of the same cell and repeat the first given is kept. Verdicts and metric
// values are used as the records hold them: re-judge them first (evaluate, measure) to judge afresh.
// With no sweep record at all the result has no axes and no cells, and says so in `rejected`.
Sweep gather_sweep(std::vector<StoredRecord> records);

// "backlog=30, syncookies=1": how a cell is named in every message, table and report.
std::string cell_name(const std::vector<SweepAxis>& axes, const std::vector<std::string>& values);

// Appends `value` unless `list` holds it already: the grid's values and names, in first-seen order.
void add_distinct(std::vector<std::string>& list, const std::string& value);

}  // namespace lab::analysis
