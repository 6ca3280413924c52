#pragma once
// Command-line arguments naming scenarios: files as given, directories as their *.toml files in name order.
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
std::optional<std::vector<runner::Scenario>> load_scenarios_or_report(const std::vector<std::string>& args,
                                                                      std::string_view command);

}  // namespace lab::cli
