#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lab/cli/commands.hpp"
#include "lab/cli/diagnostic_json.hpp"
#include "lab/cli/scenario_files.hpp"
#include "lab/cli/sudo_caller.hpp"
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

struct ValidateArgs {
    std::vector<std::string> paths;
    bool json = false;
};

}  // namespace

Command add_validate(CLI::App& app) {
    auto args = std::make_shared<ValidateArgs>();
    CLI::App* sub = app.add_subcommand("validate", "Check scenario files without running them (no root needed)");
    sub->add_option("scenarios", args->paths, "Scenario files, directories of *.toml scenarios, or catalogue names (lab list)")->required();
    sub->add_flag("--json", args->json,
                  "One JSON document on stdout, diagnostics included, each with file, line and column "
                  "(docs/json-output.md)");
    sub->footer("Exit status: 0 every file is valid, 2 some is not.");
    return [args] {
        act_as_caller_under_sudo();  // reads only: no root needed, and none used to read
        int status = kExitPass;
        nlohmann::json files = nlohmann::json::array();
        auto invalid = [&](const std::string& file, const std::vector<std::string>& diagnostics) {
            if (args->json) files.push_back({{"file", file}, {"valid", false}, {"diagnostics", diagnostics_json(diagnostics)}});
            else
                for (const auto& d : diagnostics) fmt::print(stderr, "{}\n", d);
            status = kExitError;
        };
        for (const auto& file : expand_scenario_args(args->paths)) {
            try {
                // Every cell of a sweep's grid first, as `lab sweep` checks it before it runs anything: a
                // problem of some cells is then named with their values, not as one of the default cell.
                auto problems = runner::sweep_cell_problems(file);
                if (!problems.empty()) {
                    invalid(file, problems);
                    continue;
                }
                runner::Scenario s = runner::parse_scenario_file(file);
                if (args->json) {
                    nlohmann::json axes = nlohmann::json::array();
                    if (s.sweep)
                        for (const auto& v : s.sweep->variables) axes.push_back({{"name", v.name}, {"values", v.values}});
                    files.push_back({{"file", file},
                                     {"valid", true},
                                     {"name", s.name},
                                     {"hosts", s.hosts.size()},
                                     {"links", s.links.size()},
                                     {"steps", s.steps.size()},
                                     {"expectations", s.expectations.size()},
                                     {"metrics", s.metrics.size()},
                                     {"sweep", s.sweep ? nlohmann::json(axes) : nlohmann::json(nullptr)},
                                     {"diagnostics", nlohmann::json::array()}});
                    continue;
                }
                const std::string cells = s.sweep ? fmt::format(", a sweep over {}", describe_axes(*s.sweep)) : "";
                fmt::print("ok  {}  ({}: {} hosts, {} links, {} steps, {} expectations{}{})\n", file, s.name,
                           s.hosts.size(), s.links.size(), s.steps.size(), s.expectations.size(),
                           s.metrics.empty() ? "" : fmt::format(", {} metrics", s.metrics.size()), cells);
            } catch (const runner::ScenarioError& e) {
                invalid(file, e.diagnostics());
            }
        }
        if (args->json)
            fmt::print("{}\n", nlohmann::json{{"schema", "lab.validate/1"}, {"valid", status == kExitPass}, {"files", files}}.dump(2));
        return status;
    };
}

}  // namespace lab::cli
