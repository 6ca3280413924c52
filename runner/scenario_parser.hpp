#pragma once
// Scenario files (TOML) → a validated Scenario. Every mistake is found here, before anything touches
// the kernel, and reported as "file:line:column: message". The format is documented in
// docs/scenario-format.md.
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "runner/scenario.hpp"
#include "runner/scenario_budget.hpp"

namespace lab::runner {

class ScenarioError : public std::runtime_error {
public:
    explicit ScenarioError(std::vector<std::string> diagnostics);
    const std::vector<std::string>& diagnostics() const { return diagnostics_; }

private:
    std::vector<std::string> diagnostics_;
};

// `limits`: what a run may hold (namespaces, the lab's descriptors); a scenario that needs more is an error.
Scenario parse_scenario_file(const std::string& path, const ResourceLimits& limits = current_resource_limits());
Scenario parse_scenario_text(std::string_view text, const std::string& file_label,
                             const ResourceLimits& limits = current_resource_limits());

// Valid names for hosts, processes, snapshots, links and expectation ids: lower-case letters, digits and
// '-', starting with a letter, at most max_length characters (they become parts of namespace and file
// names; a scenario's name only names its run directories, so it may be longer).
bool is_valid_name(std::string_view name, std::size_t max_length = 24);

}  // namespace lab::runner
