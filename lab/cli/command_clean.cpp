#include <map>
#include <memory>
#include <optional>
#include <set>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lab/cli/commands.hpp"
#include "lab/cli/privileges.hpp"
#include "lab/cli/sudo_caller.hpp"
#include "runner/leftovers.hpp"
#include "runner/run_owner.hpp"
#include "runner/run_plan.hpp"
#include "runner/run_state.hpp"
#include "sys/cgroup.hpp"

namespace lab::cli {
namespace {

struct CleanArgs {
    bool dry_run = false;
    bool include_live = false;
};

// What one run left behind: namespaces (with the processes inside), its cgroup (with whatever its
// programs started, wherever they are now), and its lab-wire control directory.
struct RunLeftovers {
    std::vector<runner::Leftover> namespaces;
    bool cgroup = false;
    bool wire_control = false;
    bool control_socket = false;  // its `lab ctl` socket, /run/lab/ctl/<id>.sock
    // A lab tool's namespaces (lab doctor's, a benchmark's): keyed "<tool>-<pid>", kept while that pid lives.
    std::optional<pid_t> tool_pid;
};

std::map<std::string, RunLeftovers> leftovers_by_run() {
    std::map<std::string, RunLeftovers> by_run;
    for (auto& l : runner::find_leftovers(runner::kNamespacePrefix)) {
        const runner::NamespaceOrigin origin = runner::namespace_origin(l.netns_name);
        switch (origin.kind) {
            case runner::NamespaceOrigin::Kind::Run: by_run[origin.run_id].namespaces.push_back(std::move(l)); break;
            case runner::NamespaceOrigin::Kind::Tool: {
                RunLeftovers& tool = by_run[fmt::format("{}-{}", origin.tool, origin.pid)];
                tool.tool_pid = origin.pid;
                tool.namespaces.push_back(std::move(l));
                break;
            }
            case runner::NamespaceOrigin::Kind::Foreign:
                fmt::print("left {} alone: lab names its namespaces lab-<run id>-… or lab-<tool>-<pid>-…, and did not "
                           "make this one\n",
                           l.netns_name);
                break;
        }
    }
    for (const auto& name : sys::list_run_cgroups()) by_run[name].cgroup = true;
    if (auto wire = sys::Directory::open_existing_lab_state(fmt::format("{}/wire", runner::kRunStateDir)))
        for (const auto& name : wire->entries()) by_run[name].wire_control = true;
    if (auto ctl = sys::Directory::open_existing_lab_state(fmt::format("{}/ctl", runner::kRunStateDir)))
        for (const auto& name : ctl->entries())
            if (name.ends_with(".sock")) by_run[name.substr(0, name.size() - 5)].control_socket = true;
    return by_run;
}

int clean(const CleanArgs& args) {
    if (!require_root("lab clean")) return kExitError;
    if (args.include_live && !allowed_under_sudo("lab clean --include-live", "a live run may be root's or another user's"))
        return kExitError;
    int status = kExitPass;
    bool anything = false;
    for (const auto& [run_id, left] : leftovers_by_run()) {
        if (left.tool_pid && runner::process_start_time(*left.tool_pid) && !args.include_live) {
            fmt::print("kept {} namespace(s) of lab process {} ({}): it is still running (--include-live removes them)\n",
                       left.namespaces.size(), *left.tool_pid, run_id);
            continue;
        }
        if (auto owner = runner::live_run_owner(run_id); owner && !args.include_live) {
            fmt::print("kept run {} ({} namespaces): its lab process {} is still running (--include-live removes it)\n",
                       run_id, left.namespaces.size(), *owner);
            continue;
        }
        if (runner::run_marker_unreadable_and_recent(run_id) && !args.include_live) {
            fmt::print("kept run {} ({} namespaces): its marker {}/runs/{} does not name its lab process yet and is "
                       "younger than {} s, so the run may be starting (lab clean removes it once it is older)\n",
                       run_id, left.namespaces.size(), runner::kRunStateDir, run_id,
                       runner::kUnreadableMarkerGrace.count());
            continue;
        }
        anything = true;
        if (args.dry_run) {
            for (const auto& l : left.namespaces)
                fmt::print("would remove {} (processes: {})\n", l.netns_name,
                           l.pids.empty() ? "none" : fmt::format("{}", fmt::join(l.pids, " ")));
            if (left.cgroup) fmt::print("would kill and remove the cgroup of run {}\n", run_id);
            if (left.wire_control) fmt::print("would remove the lab-wire control sockets of run {}\n", run_id);
            if (left.control_socket) fmt::print("would remove the lab ctl socket of run {}\n", run_id);
            continue;
        }
        // The cgroup first: it holds whatever the run's programs started, in its namespaces or not.
        if (left.cgroup)
            if (auto group = sys::RunCgroup::adopt(run_id)) {
                for (pid_t pid : group->pids()) fmt::print("killed process {} (cgroup of run {})\n", pid, run_id);
                if (auto stuck = group->kill_all(); !stuck.empty()) {
                    fmt::print(stderr, "lab clean: cgroup {}: {} process(es) did not exit after SIGKILL: {}\n",
                               group->path(), stuck.size(), fmt::join(stuck, " "));
                    status = kExitError;
                }
                std::string why;
                if (group->remove(&why)) fmt::print("removed cgroup {}\n", group->path());
                else {
                    fmt::print(stderr, "lab clean: {}\n", why);
                    status = kExitError;
                }
            }
        if (!left.namespaces.empty()) {
            std::vector<std::string> names;
            for (const auto& l : left.namespaces) names.push_back(l.netns_name);
            runner::CleanReport report = left.tool_pid ? runner::clean_namespaces(names)
                                                       : runner::clean_leftovers(fmt::format("{}{}-", runner::kNamespacePrefix, run_id));
            for (pid_t pid : report.processes_killed) fmt::print("killed process {}\n", pid);
            for (const auto& ns : report.namespaces_removed) fmt::print("removed namespace {}\n", ns);
            for (const auto& p : report.problems) fmt::print(stderr, "lab clean: {}\n", p);
            if (!report.problems.empty()) status = kExitError;
        }
        if (left.wire_control) {
            try {
                runner::wire_control_directory().remove(run_id);
                fmt::print("removed the lab-wire control sockets of run {}\n", run_id);
            } catch (const std::exception& e) {
                fmt::print(stderr, "lab clean: {}\n", e.what());
                status = kExitError;
            }
        }
        if (left.control_socket) {
            try {
                runner::control_socket_directory().remove(run_id + ".sock");
                fmt::print("removed the lab ctl socket of run {}\n", run_id);
            } catch (const std::exception& e) {
                fmt::print(stderr, "lab clean: {}\n", e.what());
                status = kExitError;
            }
        }
    }
    if (!args.dry_run) runner::remove_stale_run_markers();
    if (!anything) fmt::print("nothing to clean\n");
    return status;
}

}  // namespace

Command add_clean(CLI::App& app) {
    auto args = std::make_shared<CleanArgs>();
    CLI::App* sub = app.add_subcommand(
        "clean",
        "Remove what crashed or killed runs left: lab-* namespaces and the processes inside them, run cgroups and "
        "what is still in them, lab-wire control sockets, lab ctl sockets");
    sub->add_flag("-n,--dry-run", args->dry_run, "Only list what would be removed");
    sub->add_flag("--include-live", args->include_live, "Also remove runs whose lab process is still running");
    return [args] { return clean(*args); };
}

}  // namespace lab::cli
