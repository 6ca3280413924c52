#pragma once
// A sweep as tidy data for spreadsheets and data frames: one row per cell × repeat × metric, the sweep's
// variables as columns, then what the run was and how it was judged. Written as CSV (RFC 4180) and as JSON
// lines with the same rows and keys. Missing cells have no rows (the report lists them).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/sweep.hpp"
#include "analysis/verdict_counts.hpp"

namespace lab::analysis {

struct ResultRow {
    std::string sweep;
    std::vector<record::SweepValue> values;  // per axis, declared order (number as the record gave it)
    std::string cell_id;
    int repeat = 0;
    std::string metric;  // "" for the one row of a run whose sweep defines no metric
    std::optional<double> value;
    std::string unit;
    std::string problem;  // why there is no value
    VerdictCounts counts;
    std::string outcome;
    std::string kernel;
    std::string backend;
    std::string hostname;
};

// Cells in grid order, repeats ascending, metrics in the sweep's order.
std::vector<ResultRow> result_rows(const Sweep& sweep);

// The header: "sweep", the variables, "cell_id", "repeat", "metric", "value", "unit", "problem", "pass",
// "fail", "skip", "outcome", "kernel", "backend", "hostname". A variable whose name is one of the fixed
// columns is headed "variable.NAME".
std::vector<std::string> result_columns(const Sweep& sweep);

// RFC 4180: CRLF line ends; a field with a comma, a double quote, CR or LF is quoted, quotes doubled.
std::string results_csv(const Sweep& sweep);
std::string csv_field(std::string_view text);

// One JSON object per line ("\n"), keys as the CSV header; the value, the repeat, the counts and the
// variables that the scenario wrote as numbers are JSON numbers, a missing value is null.
std::string results_jsonl(const Sweep& sweep);

}  // namespace lab::analysis
