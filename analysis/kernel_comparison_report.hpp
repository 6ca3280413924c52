#pragma once
// Many scenarios compared across kernels, summed up: one screen for a terminal (which expectations
// differ where, and why), and a Markdown document (docs/kernels.md) with one line per expectation that
// differs anywhere and a paragraph per difference a kernel condition explains, in the scenario's words.
#include <string>
#include <vector>

#include "analysis/comparison_table.hpp"

namespace lab::analysis {

struct ComparisonTotals {
    std::size_t scenarios = 0;
    std::size_t expectations = 0;
    std::size_t verdicts_differ = 0;  // unexplained
    std::size_t kernel_explained = 0;
    std::size_t late_suspect = 0;
    std::size_t observations_differ = 0;
};

ComparisonTotals totals(const std::vector<Comparison>& comparisons);

// Per scenario, its expectations that differ anywhere and how; then the totals.
std::string comparison_summary_text(const std::vector<Comparison>& comparisons, std::size_t width = kTerminalWidth);

// `generated` says when and where, e.g. "2026-11-30 on a 2-vCPU Debian 12 VM".
std::string comparison_markdown(const std::vector<Comparison>& comparisons, const std::string& generated);

// The sentences of `summary` that name a version `condition` mentions (">=6.2" → those with "6.2"): where
// a scenario explains its kernel condition. The whole summary when none does.
std::string explaining_sentences(const std::string& summary, const std::string& condition);

}  // namespace lab::analysis
