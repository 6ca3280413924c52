// lab: replay documented TCP/UDP kernel behaviours in network namespaces, with a verdict.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <map>

#include "lab/cli/commands.hpp"
#include "lab/cli/interrupt.hpp"
#include "lab/cli/sudo_caller.hpp"
#include "sys/descriptor_limit.hpp"

int main(int argc, char** argv) {
    // Before anything else: a SIGTERM that comes while the arguments or scenarios are read is remembered,
    // not fatal (it used to end a `lab run` in its first milliseconds with 143 and no record).
    const std::atomic<int>& interrupt = lab::cli::remember_interrupts();
    // As root, every program lab looks up or starts comes from a directory nobody else can write.
    lab::cli::keep_trusted_path();
    // Validation judges a scenario against what this process may hold, so the limit is raised before
    // any scenario is read.
    lab::sys::raise_descriptor_limit();

    // Named, not taken from argv[0]: the usage line says `lab run`, not a build path (the man pages are made of it).
    CLI::App app{"lab — replay documented TCP/UDP kernel behaviours in network namespaces, with a verdict", "lab"};
    app.require_subcommand(1);
    app.set_version_flag("--version", LAB_VERSION);
    std::map<CLI::App*, lab::cli::Command> commands;
    auto add = [&](lab::cli::Command (*adder)(CLI::App&)) {
        lab::cli::Command c = adder(app);
        commands[app.get_subcommands({}).back()] = std::move(c);
    };
    add(lab::cli::add_run);
    add(lab::cli::add_sweep);
    add(lab::cli::add_validate);
    add(lab::cli::add_list);
    add(lab::cli::add_clean);
    add(lab::cli::add_doctor);
    add(lab::cli::add_report);
    add(lab::cli::add_compare);
    add(lab::cli::add_vm);
    add(lab::cli::add_ctl);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : lab::cli::kExitError;
    }
    for (auto& [sub, command] : commands)
        if (sub->parsed()) {
            if (int sig = interrupt.load()) {
                fmt::print(stderr, "lab: interrupted by {} before `lab {}` began; nothing was done\n",
                           lab::cli::signal_name(sig), sub->get_name());
                return lab::cli::kExitError;
            }
            int status = lab::cli::kExitError;
            try {
                status = command();
            } catch (const std::exception& e) {
                fmt::print(stderr, "lab: {}\n", e.what());
                return lab::cli::kExitError;
            }
            // A command that does not poll the flag (or a run that ended just as the signal came) still
            // ends as an interrupted one: exit 2, as every interrupted run does.
            if (int sig = interrupt.load(); sig != 0 && status != lab::cli::kExitError) {
                fmt::print(stderr, "lab: interrupted by {}\n", lab::cli::signal_name(sig));
                return lab::cli::kExitError;
            }
            return status;
        }
    return lab::cli::kExitError;
}
