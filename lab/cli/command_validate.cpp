#include <memory>

#include <fmt/format.h>

#include "lab/cli/commands.hpp"
#include "lab/cli/scenario_files.hpp"
#include "runner/scenario_parser.hpp"
#include "runner/sweep_plan.hpp"

namespace lab::cli {
namespace {

// "backlog (7) × synack_retries (4)".
std::string describe_axes(const record::SweepRun& sweep) {
    std::string out;
    for (const auto& v : sweep.variables) out += fmt::format("{}{} ({})", out.empty() ? "" : " × ", v.name, v.values.size());
    return out;
}

}  // namespace

Command add_validate(CLI::App& app) {
    auto paths = std::make_shared<std::vector<std::string>>();
    CLI::App* sub = app.add_subcommand("validate", "Check scenario files without running them (no root needed)");
    sub->add_option("scenarios", *paths,
                    "Scenario files, directories of *.toml scenarios, or catalogue names (lab list)")
        ->required();
    return [paths] {
        int status = kExitPass;
        for (const auto& file : expand_scenario_args(*paths)) {
            try {
                // Every cell of a sweep's grid first, as `lab sweep` checks it before it runs anything: a
                // problem of some cells is then named with their values, not as one of the default cell.
                auto problems = runner::sweep_cell_problems(file);
                if (!problems.empty()) {
                    for (const auto& d : problems) fmt::print(stderr, "{}\n", d);
                    status = kExitError;
                    continue;
                }
                runner::Scenario s = runner::parse_scenario_file(file);
                const std::string cells = s.sweep ? fmt::format(", a sweep over {}", describe_axes(*s.sweep)) : "";
                fmt::print("ok  {}  ({}: {} hosts, {} links, {} steps, {} expectations{}{})\n", file, s.name,
                           s.hosts.size(), s.links.size(), s.steps.size(), s.expectations.size(),
                           s.metrics.empty() ? "" : fmt::format(", {} metrics", s.metrics.size()), cells);
            } catch (const runner::ScenarioError& e) {
                for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", d);
                status = kExitError;
            }
        }
        return status;
    };
}

}  // namespace lab::cli
