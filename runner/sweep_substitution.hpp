#pragma once
// ${sweep.NAME} in a scenario's values: replaced by the cell's value when the file is parsed for one cell
// of a sweep, so that everything after (validation, the plan, the run) sees plain values. Every other
// reference (${hosts.server.addr}, ${run.dir}) and every "$${" is left as written, for the run plan.
// Numbers may be worked out from variables with + - * / and parentheses, inside a reference
// ("${sweep.backlog + 10}", "${sweep.2 * backlog}") or, where a number is expected, around it
// ("${sweep.backlog} + 1").
#include <string>
#include <string_view>
#include <vector>

#include "common/units.hpp"
#include "record/run_record.hpp"

namespace lab::runner {

inline constexpr std::string_view kSweepReferencePrefix = "sweep.";

// True when text holds a ${sweep.NAME} reference (not one escaped as $${...}).
bool mentions_sweep(std::string_view text);

// Replaces each ${sweep.NAME}; an unknown name or an unterminated "${" is an error that names it.
Parsed<std::string> substitute_sweep(std::string_view text, const std::vector<record::SweepValue>& cell);

// "31", "30 + 1", "(128 - 2) / 2", "-4", "0.5 * 3": decimal numbers with + - * / and parentheses, the
// usual precedence; comparisons (== != < <= > >=, 1 when they hold, else 0) joined by && and ||, for
// conditions such as `when = "${sweep.syncookies} == 0"`. Errors name what was not understood and where.
Parsed<double> evaluate_arithmetic(std::string_view text);

}  // namespace lab::runner
