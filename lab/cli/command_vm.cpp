// `lab vm run`: the same scenarios inside a qemu guest booted on a stock Debian kernel (which has
// sch_netem), judged and printed like `lab run`, every table labelled with the guest's kernel.
// `--kernel` takes several packages: the scenarios run in one guest per kernel, results per kernel.
// `lab vm fetch`: fill the kernel cache only (CI and the Vagrant box do it ahead of the tests).
// `lab vm kernels`: the guest kernels apt can fetch and the cache holds, and the flavours lab refuses.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "analysis/comparison_table.hpp"
#include "analysis/evaluate.hpp"
#include "analysis/summary_table.hpp"
#include "analysis/verdict_table.hpp"
#include "lab/cli/commands.hpp"
#include "lab/cli/compare_records.hpp"
#include "lab/cli/interrupt.hpp"
#include "lab/cli/privileges.hpp"
#include "lab/cli/sudo_caller.hpp"
#include "lab/cli/record_files.hpp"
#include "lab/cli/scenario_files.hpp"
#include "lab/vm/guest_results.hpp"
#include "lab/vm/guest_script.hpp"
#include "lab/vm/kernel_catalogue.hpp"
#include "lab/vm/program_run.hpp"
#include "lab/vm/vm_session.hpp"
#include "runner/scenario_parser.hpp"

namespace fs = std::filesystem;

namespace lab::cli {
namespace {

struct VmArgs {
    std::vector<std::string> paths;
    std::vector<std::string> kernels;  // images or metapackages; empty: what linux-image-amd64 points to
    std::string out = "runs";
    std::string accel = "auto";
    std::string impairments = "auto";
    std::string cache = vm::kDefaultCacheDir;
    int repeat = 1;
    int timeout_s = 0;  // 0: from the scenarios' time limits
    int boot_allowance_s = 90;
    int cpus = 0;  // 0: the default of vm::VmRunRequest
    bool quiet = false;
    bool compare_host = false;
};

// TCG runs the guest several times slower than the host; a scenario's own time limit is wall time
// inside the guest, so the guest command gets its limits plus room for lab's set-up and teardown.
int default_timeout_s(const std::vector<runner::Scenario>& scenarios, int repeat) {
    double total = 0;
    for (const auto& s : scenarios)
        total += std::chrono::duration<double>(s.time_limit).count() + 15;
    return static_cast<int>(total * repeat) + 30;
}

std::string timestamp() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%d-%H%M%S", &tm);
    return buf;
}

std::string self_exe() { return fs::read_symlink("/proc/self/exe").string(); }

std::vector<analysis::JudgedRun> judge(const std::vector<std::string>& record_paths) {
    std::vector<analysis::JudgedRun> out;
    for (const auto& p : record_paths) {
        record::RunRecord rec = load_record(p);
        auto verdicts = analysis::evaluate(rec);
        out.push_back({analysis::kernel_label(rec), std::move(rec), std::move(verdicts)});
    }
    return out;
}

// The host's half of --compare-host: `lab run` as its own process, exactly as a user would run it.
int run_on_host(const VmArgs& args, const std::vector<std::string>& files, const std::string& out_dir,
                const std::atomic<int>* interrupt) {
    std::vector<std::string> argv = {self_exe(), "run", "-q", "--jobs", "1", "--out", out_dir, "--impairments",
                                     args.impairments, "--repeat", std::to_string(args.repeat)};
    argv.insert(argv.end(), files.begin(), files.end());
    sys::Process host = vm::start_program({argv, "", out_dir + "/lab-run.log"});
    auto w = host.wait_until(std::chrono::steady_clock::now() + std::chrono::hours(1), interrupt);
    if (w != sys::WaitOutcome::Ended) {
        host.kill_and_reap();
        fmt::print(stderr, "lab vm: the host run (pid {}) was {}; killed\n", host.pid(),
                   w == sys::WaitOutcome::Interrupted ? "interrupted" : "too slow");
        return kExitError;
    }
    return host.end()->exit_code.value_or(kExitError);
}

// The packages --kernel names, each resolved to an image (metapackages to what they point to), in the
// order given, none twice. Throws naming a package that is refused or not a kernel.
std::vector<std::string> resolve_kernels(const VmArgs& args, const std::atomic<int>* interrupt) {
    vm::KernelCache cache(args.cache);
    std::vector<std::string> wanted = args.kernels.empty() ? std::vector<std::string>{""} : args.kernels;
    std::vector<std::string> out;
    for (const auto& k : wanted) {
        std::string image = cache.resolve(k, interrupt);
        if (std::find(out.begin(), out.end(), image) == out.end()) out.push_back(image);
    }
    return out;
}

struct KernelRun {
    std::string package;
    std::string release;  // empty when the guest never got far enough to say
    int status = kExitError;
    std::vector<analysis::JudgedRun> runs;
};

// One guest on one kernel: boot, run, judge, print its tables and summary.
KernelRun run_on_kernel(const VmArgs& args, const std::string& package, const std::vector<std::string>& files,
                        const std::vector<runner::Scenario>& scenarios, const std::string& stamp,
                        const std::atomic<int>& interrupt) {
    KernelRun out;
    out.package = package;
    vm::VmRunRequest req;
    req.scenario_files = files;
    // One scenario at a time in the guest: under TCG its two vCPUs are slow enough that scenarios side
    // by side would stretch each other's timelines past their time limits.
    req.guest_lab_args = {"-q", "--jobs", "1", "--impairments", args.impairments, "--repeat", std::to_string(args.repeat)};
    req.results_dir = fmt::format("{}/vm-{}-{}", args.out, stamp, package);
    req.kernel_package = package;
    req.accel = args.accel;
    req.cache_dir = args.cache;
    req.lab_exe = self_exe();
    req.command_timeout_s = args.timeout_s > 0 ? args.timeout_s : default_timeout_s(scenarios, args.repeat);
    req.boot_allowance_s = args.boot_allowance_s;
    req.cpus = args.cpus;
    req.interrupt = &interrupt;
    req.progress = [](const std::string& s) { fmt::print(stderr, "lab vm: {}\n", s); };

    vm::VmRunResult r;
    try {
        r = vm::run_in_vm(req);
    } catch (const std::exception& e) {
        fmt::print(stderr, "lab vm: {}: {}\n", package, e.what());
        return out;
    }
    out.release = r.kernel.release;
    fmt::print("VM           Debian {} {} (kernel {}) under {}\n", r.kernel.package, r.kernel.version, r.kernel.release,
               to_string(r.accel.accel));
    fmt::print("             {}\n", r.accel.reason);
    for (const auto& crash : r.boot_crashes)
        fmt::print("             booted again: the guest kernel crashed before the command ran, {}\n",
                   crash.substr(std::string_view(vm::kGuestCrashed).size()));
    fmt::print("             boot {} s to the command, {:.1f} s qemu wall time; initramfs {:.1f} MB ({} modules); results in {}\n\n",
               r.boot_seconds ? fmt::format("{:.1f}", *r.boot_seconds) : std::string("?"), r.wall_seconds,
               static_cast<double>(r.initramfs_bytes) / 1e6, r.initramfs_modules, r.results_dir);

    out.runs = judge(r.record_paths);
    std::vector<analysis::SummaryRow> summary;
    int status = kExitPass;
    for (const auto& run : out.runs) {
        if (!args.quiet) fmt::print("{}\n", analysis::verdict_table(run.record, run.verdicts));
        summary.push_back(analysis::summary_row(run.record, run.verdicts));
        for (const auto& v : run.verdicts)
            if (v.status == record::VerdictStatus::Fail) status = kExitFail;
    }
    if (!summary.empty())
        fmt::print("in the VM, kernel {}:\n{}", r.kernel.release, analysis::summary_table(summary));

    if (r.outcome != "completed") {
        fmt::print(stderr, "lab vm: {}: {}\n", r.outcome, r.detail);
        return out;
    }
    const std::string guest_stderr = fmt::format("{}/{}", r.results_dir, vm::kGuestStderrFile);
    if (*r.guest_exit_code != kExitPass && *r.guest_exit_code != kExitFail) {
        fmt::print(stderr, "lab vm: lab run in the guest exited {} (see {}); it ended with:\n{}", *r.guest_exit_code,
                   guest_stderr, vm::guest_file_tail(guest_stderr, 12));
        status = kExitError;
    } else if (*r.guest_exit_code > status) {
        status = *r.guest_exit_code;
    }
    if (out.runs.size() < scenarios.size() * static_cast<std::size_t>(args.repeat) && status != kExitError) {
        fmt::print(stderr, "lab vm: {} of {} runs left a record (see {}); it ended with:\n{}", out.runs.size(),
                   scenarios.size() * args.repeat, guest_stderr, vm::guest_file_tail(guest_stderr, 12));
        status = kExitError;
    }
    out.status = status;
    return out;
}

const char* status_word(int status) {
    return status == kExitPass ? "every expectation held" : status == kExitFail ? "some expectations failed" : "error";
}

int vm_run(const VmArgs& args) {
    const std::vector<std::string> files = expand_scenario_args(args.paths);
    auto loaded = load_scenarios_or_report(files, "lab vm");
    if (!loaded) return kExitError;
    const std::vector<runner::Scenario>& scenarios = *loaded;
    if (!require_root("lab vm run") || !allowed_under_sudo("lab vm run")) return kExitError;

    const std::atomic<int>& interrupt = install_interrupt_handlers();
    std::vector<std::string> packages;
    try {
        packages = resolve_kernels(args, &interrupt);
    } catch (const std::exception& e) {
        fmt::print(stderr, "lab vm: --kernel {}\n", e.what());
        return kExitError;
    }
    const std::string stamp = fmt::format("{}-{}", timestamp(), ::getpid());

    std::vector<KernelRun> kernel_runs;
    int status = kExitPass;
    for (const auto& package : packages) {
        if (interrupt.load() != 0) break;
        if (packages.size() > 1) fmt::print(stderr, "lab vm: kernel {} of {}: {}\n", kernel_runs.size() + 1, packages.size(), package);
        kernel_runs.push_back(run_on_kernel(args, package, files, scenarios, stamp, interrupt));
        status = std::max(status, kernel_runs.back().status);
        if (packages.size() > 1) fmt::print("\n");
    }
    if (interrupt.load() != 0) return kExitError;
    if (kernel_runs.size() > 1) {
        fmt::print("per kernel:\n");
        for (const auto& k : kernel_runs)
            fmt::print("  {:<40} {:<26} {} ({} records)\n", k.package, k.release.empty() ? "(no guest)" : k.release,
                       status_word(k.status), k.runs.size());
    }

    if (args.compare_host) {
        std::string host_dir = fmt::format("{}/host-{}", args.out, stamp);
        fmt::print(stderr, "lab vm: running the same scenarios on this host's kernel into {}\n", host_dir);
        int host_status = run_on_host(args, files, host_dir, &interrupt);
        if (interrupt.load() != 0) return kExitError;
        std::vector<std::string> host_records;
        try {
            host_records = find_record_files({host_dir});
        } catch (const std::exception& e) {
            fmt::print(stderr, "lab vm: the host run left no record ({})\n", e.what());
            return kExitError;
        }
        std::vector<analysis::JudgedRun> all = judge(host_records);
        for (auto& k : kernel_runs)
            for (auto& run : k.runs) all.push_back(std::move(run));
        fmt::print("\n");
        const int compared = print_comparisons(std::move(all));
        status = std::max({status, host_status, compared});
    }
    return status;
}

int vm_fetch(const VmArgs& args) {
    if (!require_root("lab vm fetch") || !allowed_under_sudo("lab vm fetch")) return kExitError;
    const std::atomic<int>& interrupt = install_interrupt_handlers();
    vm::KernelCache cache(args.cache);
    try {
        for (const auto& package : resolve_kernels(args, &interrupt)) {
            vm::KernelTree t = cache.ensure(package, [](const std::string& s) { fmt::print(stderr, "lab vm: {}\n", s); }, &interrupt);
            fmt::print("{} {} (kernel {}) in {}\n", t.package, t.version, t.release, t.root);
        }
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "lab vm: --kernel {}\n", e.what());
        return kExitError;
    }
    return kExitPass;
}

int vm_kernels(const VmArgs& args) {
    if (!require_root("lab vm kernels") || !allowed_under_sudo("lab vm kernels")) return kExitError;  // apt's output is kept in the root-owned cache
    const std::atomic<int>& interrupt = install_interrupt_handlers();
    vm::KernelCache cache(args.cache);
    vm::KernelCatalogue catalogue = cache.catalogue(&interrupt);
    std::vector<vm::CachedKernel> cached;
    for (const auto& t : cache.cached_packages()) cached.push_back({t.package, t.version, t.release, cache.disk_bytes(t)});
    fmt::print("{}", vm::kernel_catalogue_text(catalogue, cached, cache.root()));
    return kExitPass;
}

}  // namespace

Command add_vm(CLI::App& app) {
    auto args = std::make_shared<VmArgs>();
    CLI::App* vm = app.add_subcommand("vm", "Run scenarios in a qemu guest on a stock Debian kernel (with sch_netem)");
    vm->require_subcommand(1);
    auto kernel_option = [&](CLI::App* sub) {
        sub->add_option("--kernel", args->kernels,
                        "Debian kernel package(s) for the guest: images (linux-image-6.12.117+deb12-amd64) or metapackages "
                        "(linux-image-6.12-amd64), repeated or comma-separated; `lab vm kernels` lists them (default: what "
                        "linux-image-amd64 points to); fetched with apt-get download, never installed")
            ->delimiter(',')
            ->allow_extra_args(false);
        sub->add_option("--cache", args->cache, "Where unpacked kernel packages are kept")->capture_default_str();
    };
    CLI::App* run = vm->add_subcommand("run", "Boot a guest, run the scenarios in it with the host-built lab, judge them");
    run->add_option("scenarios", args->paths,
                    "Scenario files, directories of *.toml scenarios, or catalogue names (lab list)")
        ->required();
    kernel_option(run);
    run->add_option("--out", args->out, "Directory that receives vm-<time>-<pid>-<package>/ per kernel (and host-<time>-<pid>/)")
        ->capture_default_str();
    run->add_option("--accel", args->accel, "kvm, tcg, or auto (kvm only if a guest really boots under it here)")
        ->check(CLI::IsMember({"auto", "kvm", "tcg"}))
        ->capture_default_str();
    run->add_option("--impairments", args->impairments, "Impairment backend inside the guest (and on the host with --compare-host)")
        ->check(CLI::IsMember({"auto", "netem", "userspace"}))
        ->capture_default_str();
    run->add_option("--repeat", args->repeat, "Run each scenario N times in the guest")->check(CLI::Range(1, 100));
    run->add_option("--timeout", args->timeout_s,
                    "Seconds the guest's lab run may take (default: the scenarios' time limits plus 15 s each, plus 30 s); "
                    "past it the guest's lab gets SIGTERM");
    run->add_option("--boot-allowance", args->boot_allowance_s,
                    "Seconds added to --timeout for the guest to boot and power off; past both, qemu is killed")
        ->check(CLI::Range(0, 3600))
        ->capture_default_str();
    run->add_option("--cpus", args->cpus,
                    "The guest's vCPUs (default: this machine's cores, 2 to 8; under TCG one host thread each)")
        ->check(CLI::Range(1, 64));
    run->add_flag("-q,--quiet", args->quiet, "Print only the summary, not each verdict table");
    run->add_flag("--compare-host", args->compare_host,
                  "Also run the scenarios on this host's kernel and show both kernels' verdicts in one table per scenario");
    run->footer("Exit status: 0 every expectation held, 1 some did not, 2 error (guest failed, timed out, interrupted).");
    CLI::App* fetch = vm->add_subcommand("fetch", "Fetch and unpack the guest kernel(s) --kernel names into the cache (idempotent)");
    kernel_option(fetch);
    CLI::App* kernels = vm->add_subcommand("kernels", "List the guest kernels apt can fetch and the cache holds, with sizes");
    kernels->add_option("--cache", args->cache, "Where unpacked kernel packages are kept")->capture_default_str();
    return [args, run, fetch, kernels] {
        if (run->parsed()) return vm_run(*args);
        if (fetch->parsed()) return vm_fetch(*args);
        if (kernels->parsed()) return vm_kernels(*args);
        return kExitError;
    };
}

}  // namespace lab::cli
