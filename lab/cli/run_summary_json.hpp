#pragma once
// `lab run --json`: the summary of every run as one JSON document (schema "lab.run/1",
// docs/json-output.md) — per run its scenario, record, outcome, verdict counts, verdicts and metric
// values; the field names are a stable interface, new ones may be added, none renamed.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "record/run_record.hpp"

namespace lab::cli {

// `status` is the exit status the run ends with (0 pass, 1 fail, 2 error).
nlohmann::json run_summary_json(const std::vector<const record::RunRecord*>& records,
                                const std::vector<std::string>& unstable, int status);

}  // namespace lab::cli
