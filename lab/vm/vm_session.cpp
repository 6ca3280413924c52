#include "lab/vm/vm_session.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "lab/vm/guest_results.hpp"
#include "lab/vm/guest_script.hpp"
#include "lab/vm/host_file.hpp"
#include "lab/vm/initramfs.hpp"
#include "lab/vm/module_closure.hpp"
#include "lab/vm/qemu_machine.hpp"
#include "lab/vm/scratch_directory.hpp"
#include "sys/directory.hpp"
#include "sys/trusted_file.hpp"

namespace fs = std::filesystem;

namespace lab::vm {
namespace {

// The same bound as runner/scenario_budget.hpp (labvm knows nothing of runner/).
constexpr std::size_t kMaxStagedScenarioBytes = 16 << 20;

// The guest command's environment: a clean one, plus the sanitizer settings of the host's lab (CI
// runs an ASan build; its options must hold inside too).
std::map<std::string, std::string> guest_environment() {
    std::map<std::string, std::string> env = {
        {"PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"},
        {"HOME", "/root"},
        {"LANG", "C.UTF-8"},
        {"TERM", "dumb"},
    };
    for (const char* name : {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"})
        if (const char* v = std::getenv(name)) env[name] = v;
    return env;
}

// The outcome of the boot that counts, from how qemu ended and what the guest left.
VmRunResult& finish(VmRunResult& result, GuestResults guest, sys::WaitOutcome w, QemuMachine& vm, const QemuConfig& qc,
                    int allowed_s) {
    result.guest_exit_code = guest.exit_code;
    result.boot_seconds = guest.boot_seconds;
    result.record_paths = guest.record_paths;
    if (w == sys::WaitOutcome::Interrupted) {
        result.outcome = "interrupted";
        result.detail = fmt::format("qemu (pid {}) killed", result.qemu_pid);
    } else if (w == sys::WaitOutcome::DeadlinePassed) {
        result.outcome = "timeout";
        result.detail = fmt::format("the guest did not power off within {} s; qemu (pid {}) killed. {}",
                                    allowed_s, result.qemu_pid,
                                    console_failure(qc.console_log));
    } else if (!guest.exit_code) {
        result.outcome = "guest-failed";
        std::string why = console_failure(qc.console_log);
        std::string qemu_said = read_host_file_if_any(qc.qemu_log);
        result.detail = fmt::format("qemu {}; the guest left no exit status{}{}", vm.end()->describe(),
                                    why.empty() ? "" : ": " + why, qemu_said.empty() ? "" : " — qemu: " + qemu_said);
    } else {
        result.outcome = "completed";
    }
    return result;
}

}  // namespace

VmRunResult run_in_vm(const VmRunRequest& req) {
    VmRunResult result;
    // Made by lab (EEXIST is an error) in a parent nobody else could swap; everything the host writes into
    // it goes through its descriptor.
    const fs::path results_path = fs::absolute(req.results_dir).lexically_normal();
    const sys::Directory results_dir = sys::Directory::open_or_create(results_path.parent_path())
                                           .create_subdirectory(results_path.filename().string(), 0755);
    result.results_dir = results_path.string();
    const fs::path results = result.results_dir;

    KernelCache cache(req.cache_dir);
    std::string package = cache.resolve(req.kernel_package, req.interrupt);
    result.kernel = cache.ensure(package, req.progress, req.interrupt);

    ModuleIndex modules = ModuleIndex::parse(read_host_file(result.kernel.modules_dir() + "/modules.dep"),
                                             fs::exists(result.kernel.modules_dir() + "/modules.builtin")
                                                 ? read_host_file(result.kernel.modules_dir() + "/modules.builtin")
                                                 : std::string());
    std::vector<std::string> module_paths = modules.load_order(guest_modules());

    // Scenario files are copied beside the results: the guest sees them wherever they were on the host
    // (even under the /tmp it covers with a tmpfs), and the run keeps exactly what was run.
    std::map<std::string, std::string> path_map = {{kGuestResultsDir, result.results_dir}};
    std::vector<std::string> guest_scenarios;
    const sys::Directory staged_dir = results_dir.create_subdirectory("scenarios", 0755);
    for (std::size_t i = 0; i < req.scenario_files.size(); ++i) {
        fs::path source = fs::absolute(req.scenario_files[i]);
        std::string staged = fmt::format("{:02}-{}", i + 1, source.filename().string());
        // Read under the rule lab runs scenarios by (the host parsed it already; this is the copy it runs).
        staged_dir.write_file(staged, sys::read_trusted_file(source, kMaxStagedScenarioBytes), 0644);
        std::string guest_path = fmt::format("{}/scenarios/{}", kGuestResultsDir, staged);
        guest_scenarios.push_back(guest_path);
        path_map[guest_path] = source.string();
    }

    GuestPlan plan;
    for (const auto& m : module_paths) plan.module_files.push_back(module_archive_path(m));
    plan.command = {fs::absolute(req.lab_exe).string()};
    if (req.guest_command.empty()) {
        plan.command.insert(plan.command.end(), {"run", "--out", fmt::format("{}/runs", kGuestResultsDir)});
        plan.command.insert(plan.command.end(), req.guest_lab_args.begin(), req.guest_lab_args.end());
    } else {
        plan.command.insert(plan.command.end(), req.guest_command.begin(), req.guest_command.end());
    }
    plan.command.insert(plan.command.end(), guest_scenarios.begin(), guest_scenarios.end());
    plan.environment = guest_environment();
    for (const auto& [name, value] : req.guest_environment) plan.environment[name] = value;
    plan.command_timeout_s = req.command_timeout_s;
    // lab finds its agents beside itself: its directory must stay visible in the guest wherever it is.
    const std::string lab_dir = fs::absolute(req.lab_exe).parent_path().string();
    if (hidden_by_guest_tmpfs(lab_dir)) plan.keep_visible.push_back(lab_dir);

    // The initramfs lives outside the shared results directory (the guest has no use for it there) and
    // is rebuilt per run: a few MB written in milliseconds, no staleness to reason about.
    ScratchDirectory scratch(fs::path(req.cache_dir) / "work" / fmt::format("{}", ::getpid()));
    const fs::path& work = scratch.path();

    InitramfsSpec spec;
    spec.busybox = req.busybox;
    spec.kernel = result.kernel;
    spec.module_paths = module_paths;
    spec.init_script = guest_init_script(plan);
    const std::string initramfs = (work / "initramfs.cpio").string();
    result.initramfs_bytes = write_initramfs(initramfs, spec);
    result.initramfs_modules = module_paths.size();
    req.progress(fmt::format("initramfs: busybox, {} modules (unpacked), {:.1f} MB", module_paths.size(),
                             static_cast<double>(result.initramfs_bytes) / 1e6));
    results_dir.write_file("init.sh", spec.init_script, 0644);  // what the guest ran, for whoever debugs it

    result.accel = choose_accelerator(req.accel, result.kernel, work.string(), req.cache_dir, req.interrupt);

    QemuConfig qc;
    qc.accel = result.accel.accel;
    // As many vCPUs as the host has cores (qemu runs one thread per vCPU under TCG too): scenarios whose
    // clients and servers run side by side need them, and a burst of handshakes lands on several CPUs.
    qc.cpus = req.cpus > 0 ? req.cpus : static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 2U, 8U));
    qc.kernel = result.kernel.vmlinuz();
    qc.initramfs = initramfs;
    // mitigations=off: page-table isolation costs a TLB flush per syscall, which TCG emulates slowly;
    // the guest runs only our own programs.
    qc.kernel_args = "console=ttyS0 panic=-1 quiet mitigations=off";
    qc.console_log = (results / "console.log").string();
    qc.qemu_log = (results / "qemu.log").string();
    qc.shares = {{"/", kHostRootTag, true}, {result.results_dir, kResultsTag, false}};
    result.console_log = qc.console_log;

    req.progress(fmt::format("booting {} under {} ({})", result.kernel.release, to_string(result.accel.accel),
                             result.accel.reason));
    // Under TCG a guest kernel can die while it boots, before anything of ours runs: it rewrites its own
    // code (static keys, through an int3) while another vCPU thread may still execute the old byte - seen
    // as "Oops: int3" at sched_clock_cpu in Debian's 6.12, about one boot in twenty here. Such a boot
    // measured nothing, so the guest is booted again, at most twice; a crash after the command started
    // is reported as it is.
    constexpr int max_boots = 3;
    for (int boot = 1;; ++boot) {
        auto started = std::chrono::steady_clock::now();
        auto deadline = started + std::chrono::seconds(req.command_timeout_s + req.boot_allowance_s);
        QemuMachine vm = QemuMachine::boot(qc);
        result.qemu_pid = vm.pid();
        sys::WaitOutcome w = vm.wait_until(deadline, req.interrupt);
        vm.kill_and_reap();  // a no-op when the guest powered off by itself
        result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        GuestResults guest = collect_guest_results(result.results_dir, path_map);
        const std::string why = console_failure(qc.console_log);
        const bool crashed_booting = w == sys::WaitOutcome::Ended && crashed_before_command(guest, why);
        if (!crashed_booting || boot == max_boots)
            return finish(result, std::move(guest), w, vm, qc, req.command_timeout_s + req.boot_allowance_s);
        const std::string kept = fmt::format("console-crashed-{}.log", boot);
        results_dir.write_file(kept, results_dir.read_file("console.log").value_or(""), 0644);
        results_dir.remove("console.log");
        result.boot_crashes.push_back(fmt::format("{} (console in {})", why, kept));
        req.progress(fmt::format("the guest kernel crashed while booting, before the command ({}); booting it again",
                                 why.substr(std::string_view(kGuestCrashed).size())));
    }
}

}  // namespace lab::vm
