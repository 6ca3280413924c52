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

// One record.json judged afresh, its source named relative to `base` (the directory the reports go to).
analysis::StoredRecord load_sweep_record(const std::filesystem::path& file, const std::filesystem::path& base);

struct WrittenReports {
    analysis::Sweep sweep;
    std::vector<std::string> files;  // relative to the sweep directory
    std::string plots_note;          // why plots are missing, when they are
};

WrittenReports write_sweep_reports(const sys::Directory& sweep_dir, std::vector<analysis::StoredRecord> records);

}  // namespace lab::cli
