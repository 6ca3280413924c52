#pragma once
// One `lab vm run`: a Debian kernel from the cache, an initramfs for it, one qemu guest that runs the
// host-built lab on the scenarios, and what it left behind. The guest's whole life is bounded: the
// command inside gets SIGTERM at its timeout, and qemu is SIGKILLed (by pid, then reaped) when the guest
// has not powered off by the host deadline, when lab is interrupted, or on any error.
#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lab/vm/accelerator.hpp"
#include "lab/vm/kernel_cache.hpp"

namespace lab::vm {

struct VmRunRequest {
    std::vector<std::string> scenario_files;  // host paths; staged into the results directory
    std::vector<std::string> guest_lab_args;  // extra `lab run` options inside (--impairments netem, --repeat 3)
    // Instead of `lab run --out RESULTS/runs` and guest_lab_args: this lab subcommand and its options, the
    // staged scenario files after them (paths inside the guest start with kGuestResultsDir).
    std::vector<std::string> guest_command;
    std::map<std::string, std::string> guest_environment;  // added to the guest command's clean environment
    std::string results_dir;                  // host directory for this run; created, must not exist yet
    std::string kernel_package;               // an image or metapackage; empty: what linux-image-amd64 points to
    std::string accel = "auto";
    std::string cache_dir = kDefaultCacheDir;
    std::string busybox = "/bin/busybox";
    std::string lab_exe;               // host path of the lab binary the guest runs (its agents beside it)
    int command_timeout_s = 300;       // the guest's lab run
    int boot_allowance_s = 90;         // added for boot and poweroff before the host kills qemu
    int cpus = 0;                      // the guest's vCPUs; 0: this machine's cores, 2 to 8
    const std::atomic<int>* interrupt = nullptr;
    std::function<void(const std::string&)> progress = [](const std::string&) {};
};

struct VmRunResult {
    KernelTree kernel;
    AcceleratorChoice accel;
    std::string results_dir;
    std::string console_log;
    std::string outcome;  // completed | guest-failed | timeout | interrupted
    std::string detail;   // why, when not completed
    std::optional<int> guest_exit_code;
    std::optional<double> boot_seconds;  // guest uptime when lab started inside
    double wall_seconds = 0;             // qemu start to qemu end
    std::size_t initramfs_bytes = 0;     // the uncompressed cpio archive qemu loaded
    std::size_t initramfs_modules = 0;
    pid_t qemu_pid = -1;
    std::vector<std::string> record_paths;
    // Boots whose guest kernel crashed before the command started (an emulator race, see run_in_vm),
    // each kept as console-crashed-N.log; the guest was booted again.
    std::vector<std::string> boot_crashes;
};

VmRunResult run_in_vm(const VmRunRequest& request);

}  // namespace lab::vm
