#pragma once
// JUnit XML for CI systems (Jenkins, GitLab, GitHub test reporters): <testsuites>, one <testsuite> per
// run record, one <testcase> per expectation — classname the scenario (in a sweep: the sweep's label and
// the cell's values), name the expectation id. A failed expectation carries <failure> with expected,
// observed, documented, where (the expectation's file:line:col) and detail; a skipped one <skipped/>; a
// run whose outcome is "error" judged nothing, so each of its expectations is an <error>, and a run cut short (time limit,
// interrupted) adds a "run outcome" testcase with an <error>. tests/failures/errors/skipped are counted
// on every suite and on the root; time is the run's wall time in seconds.
#include <string>
#include <vector>

#include "analysis/sweep.hpp"
#include "record/run_record.hpp"

namespace lab::analysis {

// Plain runs (lab run --junit): one suite per record, in the given order, verdicts as the records hold them.
std::string junit_xml(const std::vector<const record::RunRecord*>& runs, const std::string& name = "lab");

// A sweep: its runs in grid order, then one suite "<label>: missing runs" with an <error> testcase per
// cell × repeat that has no record (when there is one).
std::string sweep_junit_xml(const Sweep& sweep);

}  // namespace lab::analysis
