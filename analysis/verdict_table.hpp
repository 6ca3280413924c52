#pragma once
// The report of one run: what ran, where, how it ended, and every expectation beside what was observed
// and what the source document reported. The caller prints it; nothing here writes to a stream.
#include <cstddef>
#include <string>
#include <vector>

#include "analysis/text_table.hpp"
#include "record/run_record.hpp"

namespace lab::analysis {

// For a terminal: aligned columns no wider than `width`, each failure's origin and detail beneath its row.
std::string verdict_table(const record::RunRecord& r, const std::vector<record::Verdict>& verdicts,
                          std::size_t width = kTerminalWidth);

// The same content as GitHub-flavoured Markdown, for reports and READMEs.
std::string verdict_table_markdown(const record::RunRecord& r, const std::vector<record::Verdict>& verdicts);

}  // namespace lab::analysis
