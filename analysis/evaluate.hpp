#pragma once
// Judges a run: every expectation of the record against the record's own observations. Works on a
// stored record alone, so a run from another machine or kernel can be judged (again) here.
#include <vector>

#include "record/run_record.hpp"

namespace lab::analysis {

// One verdict per record.expectations[i], in the same order. Never throws on a malformed expectation
// (unknown same_as, a cycle, a kernel condition that does not parse): that expectation fails, and its
// detail says why.
std::vector<record::Verdict> evaluate(const record::RunRecord& r);

}  // namespace lab::analysis
