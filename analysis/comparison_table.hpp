#pragma once
// The same scenario judged on several kernels (the host's, a VM's), in one table: each expectation's
// observation and verdict per kernel side by side, and every difference named beneath the table — a
// verdict that changes between kernels is a finding, never something to smooth over.
#include <cstddef>
#include <string>
#include <vector>

#include "analysis/text_table.hpp"
#include "record/run_record.hpp"

namespace lab::analysis {

struct JudgedRun {
    std::string label;  // how the column is headed: the kernel, e.g. "6.1.0-56-amd64"
    record::RunRecord record;
    std::vector<record::Verdict> verdicts;
};

struct Comparison {
    std::string scenario;
    std::vector<std::string> labels;
    std::size_t expectations = 0;
    std::size_t verdicts_differ = 0;   // the status (pass/fail/skip) is not the same on every kernel
    std::size_t observations_differ = 0;  // the same status, yet different observed values
    std::vector<std::string> differences;  // one line each, in expectation order
    std::string table;                     // rendered for a terminal
};

// Runs of one scenario, in the order the columns should appear. Expectations are matched by id; one
// that exists on only some runs is listed with "—" for the others.
Comparison compare_runs(const std::vector<JudgedRun>& runs, std::size_t width = kTerminalWidth);

// The label lab uses for a record's column: its kernel release ("unknown kernel" when unrecorded),
// with the impairment backend when one ran, since netem and lab-wire may differ in fidelity.
std::string kernel_label(const record::RunRecord& r);

}  // namespace lab::analysis
