#include <map>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lab/cli/commands.hpp"
#include "lab/cli/privileges.hpp"
#include "runner/leftovers.hpp"
#include "runner/run_owner.hpp"
#include "runner/run_plan.hpp"

namespace lab::cli {
namespace {

struct CleanArgs {
    bool dry_run = false;
    bool include_live = false;
};

int clean(const CleanArgs& args) {
    if (!require_root("lab clean")) return kExitError;
    // Leftovers grouped by run, so each run is judged live or dead once and removed by its own prefix.
    std::map<std::string, std::vector<runner::Leftover>> by_run;
    for (auto& l : runner::find_leftovers(runner::kNamespacePrefix))
        by_run[runner::run_id_of_namespace(l.netns_name)].push_back(std::move(l));

    int status = kExitPass;
    bool anything = false;
    for (const auto& [run_id, leftovers] : by_run) {
        if (auto owner = runner::live_run_owner(run_id); owner && !args.include_live) {
            fmt::print("kept run {} ({} namespaces): its lab process {} is still running (--include-live removes it)\n",
                       run_id, leftovers.size(), *owner);
            continue;
        }
        anything = true;
        if (args.dry_run) {
            for (const auto& l : leftovers)
                fmt::print("would remove {} (processes: {})\n", l.netns_name, l.pids.empty() ? "none" : fmt::format("{}", fmt::join(l.pids, " ")));
            continue;
        }
        std::string prefix = fmt::format("{}{}-", runner::kNamespacePrefix, run_id);
        runner::CleanReport report = runner::clean_leftovers(prefix);
        for (pid_t pid : report.processes_killed) fmt::print("killed process {}\n", pid);
        for (const auto& ns : report.namespaces_removed) fmt::print("removed namespace {}\n", ns);
        for (const auto& p : report.problems) fmt::print(stderr, "lab clean: {}\n", p);
        if (!report.problems.empty()) status = kExitError;
    }
    if (!args.dry_run) runner::remove_stale_run_markers();
    if (!anything) fmt::print("nothing to clean\n");
    return status;
}

}  // namespace

Command add_clean(CLI::App& app) {
    auto args = std::make_shared<CleanArgs>();
    CLI::App* sub = app.add_subcommand(
        "clean", "Remove what crashed or killed runs left: lab-* namespaces and the processes inside them");
    sub->add_flag("-n,--dry-run", args->dry_run, "Only list what would be removed");
    sub->add_flag("--include-live", args->include_live, "Also remove runs whose lab process is still running");
    return [args] { return clean(*args); };
}

}  // namespace lab::cli
