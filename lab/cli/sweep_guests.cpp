#include "lab/cli/sweep_guests.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "analysis/evaluate.hpp"
#include "analysis/verdict_counts.hpp"
#include "lab/cli/record_files.hpp"
#include "lab/vm/guest_script.hpp"
#include "lab/vm/vm_session.hpp"
#include "runner/sweep_kernel.hpp"
#include "sys/invoker.hpp"

namespace fs = std::filesystem;

namespace lab::cli {
namespace {

constexpr const char* kGuestSweepSubdirectory = "sweep";
// Under TCG a run's set-up and teardown take seconds where the host takes a fraction of one.
constexpr double kGuestOverheadPerRunSeconds = 15;

struct Tally {
    int recorded = 0;
    int failed = 0;
    int errors = 0;
};

// What the guest recorded of these runs: a record cut short by an interrupt counts as missing.
Tally tally(const fs::path& runs_dir, const std::vector<std::string>& run_names) {
    Tally t;
    for (const auto& name : run_names) {
        const fs::path file = runs_dir / name / "record.json";
        std::error_code ec;
        if (!fs::exists(file, ec)) {
            ++t.errors;
            continue;
        }
        try {
            record::RunRecord rec = load_record(file.string());
            if (rec.run.outcome == record::RunOutcome::Interrupted) {
                ++t.errors;
                continue;
            }
            ++t.recorded;
            if (rec.run.outcome == record::RunOutcome::Error) {
                ++t.errors;
                continue;
            }
            if (analysis::count_verdicts(analysis::evaluate(rec)).failed > 0) ++t.failed;
        } catch (const std::exception&) {
            ++t.errors;
        }
    }
    return t;
}

}  // namespace

std::string guest_sweep_directory(const std::string& package) { return "vm-" + package; }

GuestSweepOutcome run_guest_sweep(const GuestSweep& sweep, const sys::Directory& sweep_dir, const std::atomic<int>& interrupt) {
    GuestSweepOutcome out;
    if (const auto invoker = sys::sudo_invoker()) {
        out.problem = fmt::format("refused under sudo (uid {}): a guest runs every program as root and shares the "
                                  "host's files with it; run lab as root, without sudo",
                                  invoker->uid);
        return out;
    }
    const std::string dir_name = guest_sweep_directory(sweep.package);
    const fs::path guest_runs = sweep_dir.path() / dir_name / kGuestSweepSubdirectory / "runs";
    if (sweep_dir.contains(dir_name)) {
        Tally before = tally(guest_runs, sweep.run_names);
        if (before.recorded == static_cast<int>(sweep.run_names.size())) {
            out.skipped = true;
            out.recorded = before.recorded;
            out.failed = before.failed;
            out.errors = before.errors;
            return out;
        }
        // A guest that stopped part-way: its kernel's runs are played again in a new guest, as a whole.
        sweep_dir.remove(dir_name);
    }

    vm::VmRunRequest req;
    req.scenario_files = {sweep.scenario_file};
    // One run at a time in the guest: under TCG its vCPUs are slow enough that runs side by side would
    // stretch each other's timelines.
    req.guest_command = {"sweep", "-j", "1", "--out", fmt::format("{}/{}", vm::kGuestResultsDir, kGuestSweepSubdirectory)};
    req.guest_command.insert(req.guest_command.end(), sweep.sweep_options.begin(), sweep.sweep_options.end());
    req.guest_environment = {{runner::kGuestKernelEnvironment, sweep.package}};
    req.results_dir = (sweep_dir.path() / dir_name).string();
    req.kernel_package = sweep.package;
    req.lab_exe = fs::read_symlink("/proc/self/exe").string();
    req.command_timeout_s = static_cast<int>(sweep.time_limit_seconds +
                                             kGuestOverheadPerRunSeconds * static_cast<double>(sweep.run_names.size())) +
                            30;
    req.interrupt = &interrupt;
    req.progress = [&](const std::string& s) { fmt::print(stderr, "lab sweep: vm:{}: {}\n", sweep.package, s); };

    vm::VmRunResult r;
    try {
        r = vm::run_in_vm(req);
    } catch (const std::exception& e) {
        out.problem = e.what();
        out.errors = static_cast<int>(sweep.run_names.size());
        return out;
    }
    out.release = r.kernel.release;
    if (r.outcome != "completed")
        out.problem = fmt::format("{}: {}", r.outcome, r.detail);
    else if (r.guest_exit_code && *r.guest_exit_code > 1)
        out.problem = fmt::format("lab sweep in the guest exited {} (see {}/guest-stderr.txt)", *r.guest_exit_code,
                                  r.results_dir);
    Tally t = tally(guest_runs, sweep.run_names);
    out.recorded = t.recorded;
    out.failed = t.failed;
    out.errors = t.errors;
    return out;
}

}  // namespace lab::cli
