// lab: replay documented TCP/UDP kernel behaviours in network namespaces, with a verdict.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <map>

#include "lab/cli/commands.hpp"
#include "runner/scenario_budget.hpp"

int main(int argc, char** argv) {
    // Validation judges a scenario against what this process may hold, so the limit is raised before
    // any scenario is read.
    lab::runner::raise_descriptor_limit();
    CLI::App app{"lab — replay documented TCP/UDP kernel behaviours in network namespaces, with a verdict"};
    app.require_subcommand(1);
    app.set_version_flag("--version", LAB_VERSION);
    std::map<CLI::App*, lab::cli::Command> commands;
    auto add = [&](lab::cli::Command (*adder)(CLI::App&)) {
        lab::cli::Command c = adder(app);
        commands[app.get_subcommands({}).back()] = std::move(c);
    };
    add(lab::cli::add_run);
    add(lab::cli::add_validate);
    add(lab::cli::add_list);
    add(lab::cli::add_clean);
    add(lab::cli::add_doctor);
    add(lab::cli::add_report);
    add(lab::cli::add_compare);
    add(lab::cli::add_vm);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : lab::cli::kExitError;
    }
    for (auto& [sub, command] : commands)
        if (sub->parsed()) {
            try {
                return command();
            } catch (const std::exception& e) {
                fmt::print(stderr, "lab: {}\n", e.what());
                return lab::cli::kExitError;
            }
        }
    return lab::cli::kExitError;
}
