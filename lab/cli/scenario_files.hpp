#pragma once
// Command-line arguments naming scenarios: files as given, directories as their *.toml files in name order,
// and a bare name (no '/', not a file here) as the catalogue's scenario of that name.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runner/scenario.hpp"

namespace lab::cli {

// The catalogue directories this executable searches, in order (runner/scenario_catalogue.hpp):
// ./scenarios, then ../share/lab/scenarios from the directory /proc/self/exe is in.
std::vector<std::filesystem::path> catalogue_search_path();

// "scenarios, /usr/share/lab/scenarios": the search path as error messages name it.
std::string describe_search_path(const std::vector<std::filesystem::path>& directories);

// The first catalogue directory that exists (what `lab list` shows when given none). Throws
// std::runtime_error naming the directories searched when none does.
std::string default_catalogue_directory();

// One argument as a scenario file: the file itself if it exists, else the catalogue's scenario of that name.
// Throws std::runtime_error naming the argument and the directories searched when it is neither.
std::string resolve_scenario_file(const std::string& arg);

// Throws std::runtime_error naming an argument that is neither a file, a directory nor a catalogue name.
std::vector<std::string> expand_scenario_args(const std::vector<std::string>& args);

// Every scenario the arguments name, parsed; or, if any file has errors, nothing: all diagnostics
// (file:line:column) and "<command>: nothing was run" go to stderr, so no run starts half-checked.
// `sweep_set` ("backlog" → "30", from --set) picks the cell of scenarios that have a [sweep] table.
std::optional<std::vector<runner::Scenario>> load_scenarios_or_report(const std::vector<std::string>& args,
                                                                      std::string_view command,
                                                                      const std::map<std::string, std::string>& sweep_set = {});

}  // namespace lab::cli
