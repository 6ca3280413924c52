#pragma once
// Command-line arguments naming scenarios: files as given, directories as their *.toml files in name order.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/scenario.hpp"

namespace lab::cli {

// Throws std::runtime_error naming an argument that is neither a file nor a directory.
std::vector<std::string> expand_scenario_args(const std::vector<std::string>& args);

// Every scenario the arguments name, parsed; or, if any file has errors, nothing: all diagnostics
// (file:line:column) and "<command>: nothing was run" go to stderr, so no run starts half-checked.
// `sweep_set` ("backlog" → "30", from --set) picks the cell of scenarios that have a [sweep] table.
std::optional<std::vector<runner::Scenario>> load_scenarios_or_report(const std::vector<std::string>& args,
                                                                      std::string_view command,
                                                                      const std::map<std::string, std::string>& sweep_set = {});

}  // namespace lab::cli
