#pragma once
// The `output` selector of an [[expect]] or a [[metric]]:
//   output = { process = "cli", stream = "stdout", pattern = 'connect_ok=(\d+)', matches = "sum",
//              instance = 0, per_instance = "min" }
// checked at validation: the process is started by a step, the pattern compiles and has exactly one
// capture group, and the choices are known ones. Every problem is reported where it is written.
#include <set>
#include <string>

#include <toml++/toml.h>

#include "record/run_record.hpp"
#include "runner/toml_reader.hpp"

namespace lab::runner {

void parse_output_selection(const toml::table& output, TomlReader& reader, const std::set<std::string>& processes,
                            record::Selection& e);

}  // namespace lab::runner
