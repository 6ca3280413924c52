#pragma once
// Scenario files (TOML) → a validated Scenario. Every mistake is found here, before anything touches
// the kernel, and reported as "file:line:column: message". The format is documented in
// docs/scenario-format.md.
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <map>

#include <toml++/toml.h>

#include "runner/scenario.hpp"
#include "runner/scenario_budget.hpp"
#include "runner/sweep_spec.hpp"

namespace lab::runner {

class ScenarioError : public std::runtime_error {
public:
    explicit ScenarioError(std::vector<std::string> diagnostics);
    const std::vector<std::string>& diagnostics() const { return diagnostics_; }

private:
    std::vector<std::string> diagnostics_;
};

// `limits`: what a run may hold (namespaces, the lab's descriptors); a scenario that needs more is an error.
// A scenario with a [sweep] table is parsed for one cell: its defaults with `sweep_set` ("backlog" → "30",
// as `lab run --set`) applied; the result carries that cell (Scenario::sweep).
Scenario parse_scenario_file(const std::string& path, const ResourceLimits& limits = current_resource_limits(),
                             const std::map<std::string, std::string>& sweep_set = {});
Scenario parse_scenario_text(std::string_view text, const std::string& file_label,
                             const ResourceLimits& limits = current_resource_limits(),
                             const std::map<std::string, std::string>& sweep_set = {});

// The pieces a sweep plan is made of (sweep_plan.hpp): the file's text, its TOML tree (a syntax error is a
// ScenarioError), one cell of it parsed and validated (cell: nullptr without a [sweep] table), and the
// record's description of a cell.
// The file is read only if it passes sys/trusted_file.hpp's rule (a refusal is a ScenarioError saying why),
// and only up to kMaxScenarioFileBytes (scenario_budget.hpp).
std::string read_scenario_file(const std::string& path);
toml::table parse_scenario_toml(std::string_view text, const std::string& file_label);
Scenario parse_scenario_tree(const toml::table& root, const std::string& file_label, const ResourceLimits& limits,
                             const SweepCell* cell);
std::string scenario_name_in(const toml::table& root);
record::SweepRun sweep_run_of(const SweepSpec& spec, const SweepCell& cell, std::string_view scenario_text);

// Valid names for hosts, processes, snapshots, links and expectation ids: lower-case letters, digits and
// '-', starting with a letter, at most max_length characters (they become parts of namespace and file
// names; a scenario's name only names its run directories, so it may be longer).
bool is_valid_name(std::string_view name, std::size_t max_length = 24);

}  // namespace lab::runner
