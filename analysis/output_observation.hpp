#pragma once
// The `output` selector: a number that a program printed, read from the stdout or stderr the record
// keeps for it (record::ProcessOutput) with the selector's pattern. Per instance the matching lines give
// their sum, the last one's number, or how many lines matched; across instances the numbers are summed,
// or one instance is picked, or the smallest or largest is taken.
//
// A pattern that never matched is a problem, not a zero (a misspelled pattern must not pass as "0 failed
// requests") — except for `matches = "count"`, where no matching line is the count 0. So is a stream cut
// at the record's limit: a sum over part of it would be wrong without a word.
#include "analysis/observe.hpp"
#include "record/run_record.hpp"

namespace lab::analysis {

Observation observe_output(const record::RunRecord& r, const record::Selection& selection);

}  // namespace lab::analysis
