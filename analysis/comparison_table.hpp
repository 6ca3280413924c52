#pragma once
// The same scenario judged on several kernels (the host's, a VM's), in one table: each expectation's
// observation and verdict per kernel side by side, and every difference named beneath the table — a
// verdict that changes between kernels is a finding, never something to smooth over.
#include <cstddef>
#include <cstdint>
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

// How one expectation fares across the runs, from "nothing to see" to "a finding nobody explained".
enum class Difference {
    None,
    Value,    // the same verdict everywhere, yet different observed values
    Kernel,   // the verdict differs only because the expectation's `kernel` condition skips it somewhere
    Late,     // the verdict differs, and a run that differs fell behind its timeline first: not a finding
    Verdict,  // the verdict differs and nothing explains it
};
const char* to_string(Difference d);

struct ComparedExpectation {
    std::string id;
    std::string description;
    std::string expected;
    std::string kernel;  // the expectation's kernel condition, "" when it has none
    bool guard = false;  // a condition on the machine's pace: its number differing is no kernel difference
    Difference difference = Difference::None;
    std::vector<std::string> status;    // per run, in column order: pass, FAIL, skip, absent
    std::vector<std::string> observed;  // per run
    std::vector<bool> late;             // per run: what it reads was observed after the run fell behind
};

struct Comparison {
    std::string scenario;
    std::string summary;  // the scenario's own, which explains its kernel conditions
    std::vector<std::string> labels;
    std::vector<std::string> late_runs;  // per run that fell behind: "LABEL: snapshot 'x' 1.2s late"
    std::size_t expectations = 0;
    std::size_t verdicts_differ = 0;      // Difference::Verdict: unexplained
    std::size_t kernel_explained = 0;     // Difference::Kernel
    std::size_t late_suspect = 0;         // Difference::Late
    std::size_t observations_differ = 0;  // Difference::Value
    std::vector<ComparedExpectation> rows;  // every expectation, in order of first appearance
    std::vector<std::string> differences;   // one line each, in expectation order
    std::string table;                      // rendered for a terminal
};

// Runs of one scenario, in the order the columns should appear. Expectations are matched by id; one
// that exists on only some runs is listed with "—" for the others.
Comparison compare_runs(const std::vector<JudgedRun>& runs, std::size_t width = kTerminalWidth);

// The label lab uses for a record's column: its kernel release ("unknown kernel" when unrecorded),
// with the impairment backend when one ran, since netem and lab-wire may differ in fidelity.
std::string kernel_label(const record::RunRecord& r);

}  // namespace lab::analysis
