#pragma once
// The `series = { host, metric, reduce | at, from, to }` selector of an [[expect]] or [[metric]]: one number
// out of a host's sampled time series. The metric's name is checked against what [sample] records, so a
// typo fails `lab validate` at its file:line:column, not the verdict.
#include <string>

#include <toml++/toml.h>

#include "record/run_record.hpp"
#include "runner/expectation_parser.hpp"
#include "runner/toml_reader.hpp"

namespace lab::runner {

void parse_series_selection(const toml::table& expectation, record::Selection& selection, TomlReader& reader,
                            const KnownNames& names);

// Why `metric` is not a series metric that `sample` records, or "" when it is one.
std::string series_metric_problem(const std::string& metric, const SampleSpec& sample, const KnownNames& names);

}  // namespace lab::runner
