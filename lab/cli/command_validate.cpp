#include <memory>

#include <fmt/format.h>

#include "lab/cli/commands.hpp"
#include "lab/cli/scenario_files.hpp"
#include "runner/scenario_parser.hpp"

namespace lab::cli {

Command add_validate(CLI::App& app) {
    auto paths = std::make_shared<std::vector<std::string>>();
    CLI::App* sub = app.add_subcommand("validate", "Check scenario files without running them (no root needed)");
    sub->add_option("scenarios", *paths, "Scenario files, or directories of *.toml scenarios")->required();
    return [paths] {
        int status = kExitPass;
        for (const auto& file : expand_scenario_args(*paths)) {
            try {
                runner::Scenario s = runner::parse_scenario_file(file);
                fmt::print("ok  {}  ({}: {} hosts, {} links, {} steps, {} expectations)\n", file, s.name, s.hosts.size(),
                           s.links.size(), s.steps.size(), s.expectations.size());
            } catch (const runner::ScenarioError& e) {
                for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", d);
                status = kExitError;
            }
        }
        return status;
    };
}

}  // namespace lab::cli
