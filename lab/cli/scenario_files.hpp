#pragma once
// Command-line arguments naming scenarios: files as given, directories as their *.toml files in name order.
#include <string>
#include <vector>

namespace lab::cli {

// Throws std::runtime_error naming an argument that is neither a file nor a directory.
std::vector<std::string> expand_scenario_args(const std::vector<std::string>& args);

}  // namespace lab::cli
