#pragma once
// The outputs of a sweep directory, made from its stored records alone (re-judged first): results.csv,
// results.jsonl, report.md, report.html, junit.xml and plots/*.svg. `lab sweep` writes them at its end,
// `lab sweep report DIR` again at any time; both through the directory's descriptor.
#include <string>
#include <vector>

#include "analysis/sweep.hpp"
#include "sys/directory.hpp"

namespace lab::cli {

// Every record.json below `dir` (its runs/ and anything merged into it), judged afresh.
std::vector<analysis::StoredRecord> load_sweep_records(const std::filesystem::path& dir);
// The same, read through the directory lab holds open: a sweep directory renamed while it ran still gives
// its own records, and a directory put in its place gives none. Symlinks are not followed; every record is
// named by its path below `dir`. Throws naming a record that cannot be read.
std::vector<analysis::StoredRecord> load_sweep_records(const sys::Directory& dir);

// One record.json judged afresh, its source named relative to `base` (the directory the reports go to).
analysis::StoredRecord load_sweep_record(const std::filesystem::path& file, const std::filesystem::path& base);

struct WrittenReports {
    analysis::Sweep sweep;
    std::vector<std::string> files;  // relative to the sweep directory
    std::string plots_note;          // why plots are missing, when they are
};

WrittenReports write_sweep_reports(const sys::Directory& sweep_dir, std::vector<analysis::StoredRecord> records);

// What a sweep's records come to, run by run, for its exit status.
struct SweepTally {
    std::size_t errors = 0;       // outcome "error"
    std::size_t interrupted = 0;  // outcome "interrupted": `--resume` runs them again
    std::size_t missing = 0;      // runs the grid asks for (cells × repeats) without a record
    std::size_t failed = 0;       // completed or timed-out runs with a failed expectation
};
SweepTally tally_sweep(const analysis::Sweep& sweep);

// 2 when a run errored, was interrupted or, for a whole grid (not one shard's part), has no record; else 1
// when an expectation failed in some run; else 0. `lab sweep`, `--resume` and `lab sweep report` all exit so.
int sweep_exit_status(const SweepTally& tally, bool whole_grid);

// "1 run errored, 2 have no record" — the runs behind exit status 2; "" when there are none.
std::string sweep_problem_text(const SweepTally& tally, bool whole_grid);

}  // namespace lab::cli
