#pragma once
// What the record shows for one expectation's selector, before any judging: a number, or the reason
// there is none (a snapshot not taken, a host not seen, a counter this kernel does not report).
// Kept apart from the comparison so that same_as can use another expectation's observation.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "record/run_record.hpp"

namespace lab::analysis {

struct Observation {
    std::optional<double> value;
    std::string problem;  // set exactly when value is not
};

inline Observation no_value(std::string why) { return Observation{std::nullopt, std::move(why)}; }

Observation observe(const record::RunRecord& r, const record::Selection& selection);

// One value per record.metrics[i], in the same order: what a sweep tabulates.
std::vector<record::MetricValue> measure(const record::RunRecord& r);

}  // namespace lab::analysis
