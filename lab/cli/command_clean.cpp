#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lab/cli/commands.hpp"
#include "lab/cli/privileges.hpp"
#include "runner/leftovers.hpp"
#include "runner/run_plan.hpp"

namespace lab::cli {

Command add_clean(CLI::App& app) {
    auto dry_run = std::make_shared<bool>(false);
    CLI::App* sub = app.add_subcommand(
        "clean", "Remove what crashed or killed runs left: lab-* namespaces and the processes inside them");
    sub->add_flag("-n,--dry-run", *dry_run, "Only list what would be removed");
    return [dry_run] {
        if (!require_root("lab clean")) return kExitError;
        if (*dry_run) {
            auto found = runner::find_leftovers(runner::kNamespacePrefix);
            for (const auto& l : found) fmt::print("would remove {} (processes: {})\n", l.netns_name, fmt::join(l.pids, " "));
            if (found.empty()) fmt::print("nothing to clean\n");
            return kExitPass;
        }
        runner::CleanReport report = runner::clean_leftovers(runner::kNamespacePrefix);
        for (pid_t pid : report.processes_killed) fmt::print("killed process {}\n", pid);
        for (const auto& ns : report.namespaces_removed) fmt::print("removed namespace {}\n", ns);
        for (const auto& p : report.problems) fmt::print(stderr, "lab clean: {}\n", p);
        if (report.namespaces_removed.empty() && report.processes_killed.empty() && report.problems.empty())
            fmt::print("nothing to clean\n");
        return report.problems.empty() ? kExitPass : kExitError;
    };
}

}  // namespace lab::cli
