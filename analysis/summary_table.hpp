#pragma once
// One line per scenario of a multi-scenario run (the catalogue, or a sweep's points), and a total.
#include <cstddef>
#include <string>
#include <vector>

#include "analysis/text_table.hpp"
#include "analysis/verdict_counts.hpp"
#include "record/run_record.hpp"

namespace lab::analysis {

struct SummaryRow {
    std::string scenario;
    VerdictCounts counts;
    std::string outcome;  // completed | time-limit | error
    double wall_seconds = 0;
    double late_s = 0;  // how far its latest step ran behind, when more than kLateStepSeconds; else 0
    std::string failed_guard = {};  // "guard 'wave-left'" when a guard expectation failed: the run fell behind
};

SummaryRow summary_row(const record::RunRecord& r, const std::vector<record::Verdict>& verdicts);

std::string summary_table(const std::vector<SummaryRow>& rows, std::size_t width = kTerminalWidth);

}  // namespace lab::analysis
