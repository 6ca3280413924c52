#include "lab/vm/accelerator.hpp"

#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "common/errno_name.hpp"
#include "lab/vm/host_file.hpp"
#include "lab/vm/initramfs.hpp"
#include "sys/directory.hpp"
#include "sys/unique_fd.hpp"

namespace fs = std::filesystem;

namespace lab::vm {
namespace {

constexpr const char* kProbeMarker = "lab-kvm-probe-ok";
constexpr auto kProbeTimeout = std::chrono::seconds(20);

std::string boot_id() {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string id;
    in >> id;
    return id;
}

fs::path probe_memo(const std::string& cache_dir) { return fs::path(cache_dir) / "kvm-probe"; }

// The memo: "<boot id> ok|no <reason...>".
std::optional<std::pair<bool, std::string>> read_memo(const std::string& cache_dir) {
    std::ifstream in(probe_memo(cache_dir));
    std::string id, verdict, reason;
    if (!(in >> id >> verdict) || id != boot_id()) return std::nullopt;
    std::getline(in, reason);
    if (!reason.empty() && reason.front() == ' ') reason.erase(0, 1);
    return std::make_pair(verdict == "ok", reason);
}

void write_memo(const std::string& cache_dir, bool ok, const std::string& reason) {
    try {
        sys::Directory::open_or_create(cache_dir)
            .write_file(probe_memo(cache_dir).filename().string(),
                        fmt::format("{}{}{}\n", boot_id(), ok ? " ok " : " no ", reason), 0644);
    } catch (const std::exception&) {
        // Only a memo: the next run probes again.
    }
}

// Boots `kernel` under KVM with a marker-only /init; the reason it failed, or nullopt.
std::optional<std::string> probe_kvm_boot(const KernelTree& kernel, const std::string& work_dir,
                                          const std::atomic<int>* interrupt) {
    sys::Directory::open_or_create(work_dir);
    InitramfsSpec spec;
    spec.kernel = kernel;
    spec.init_script = fmt::format("#!/bin/busybox sh\necho {}\n/bin/busybox poweroff -f\n/bin/busybox sleep 30\n", kProbeMarker);
    QemuConfig c;
    c.accel = Accelerator::Kvm;
    c.memory_mb = 256;
    c.cpus = 1;
    c.kernel = kernel.vmlinuz();
    c.initramfs = work_dir + "/kvm-probe.cpio";
    c.kernel_args = "console=ttyS0 panic=-1 quiet";
    c.console_log = work_dir + "/kvm-probe-console.log";
    c.qemu_log = work_dir + "/kvm-probe-qemu.log";
    write_initramfs(c.initramfs, spec);
    QemuMachine vm = QemuMachine::boot(c);
    sys::WaitOutcome w = vm.wait_until(std::chrono::steady_clock::now() + kProbeTimeout, interrupt);
    vm.kill_and_reap();
    if (w == sys::WaitOutcome::Interrupted) throw std::runtime_error("interrupted during the KVM probe");
    if (read_host_file_if_any(c.console_log).find(kProbeMarker) != std::string::npos) return std::nullopt;
    std::string qemu_said = read_host_file_if_any(c.qemu_log);
    while (!qemu_said.empty() && qemu_said.back() == '\n') qemu_said.pop_back();
    if (auto nl = qemu_said.rfind('\n'); nl != std::string::npos) qemu_said = qemu_said.substr(nl + 1);
    if (w == sys::WaitOutcome::DeadlinePassed)
        return fmt::format("a guest under KVM printed nothing within {} s (killed)", kProbeTimeout.count());
    return fmt::format("a guest under KVM failed: {}{}", vm.end() ? vm.end()->describe() : "ended",
                       qemu_said.empty() ? "" : " — " + qemu_said);
}

}  // namespace

std::optional<std::string> kvm_device_problem() {
    sys::UniqueFd kvm(::open("/dev/kvm", O_RDWR | O_CLOEXEC));
    if (kvm.get() < 0) return fmt::format("/dev/kvm: open failed ({})", errno_name(errno));
    int api = ::ioctl(kvm.get(), KVM_GET_API_VERSION, 0);
    if (api != KVM_API_VERSION) return fmt::format("/dev/kvm: API version {} (expected {})", api, KVM_API_VERSION);
    sys::UniqueFd vm(::ioctl(kvm.get(), KVM_CREATE_VM, 0));
    if (vm.get() < 0) return fmt::format("/dev/kvm: KVM_CREATE_VM failed ({})", errno_name(errno));
    return std::nullopt;
}

std::optional<std::string> remembered_kvm_probe(const std::string& cache_dir) {
    auto memo = read_memo(cache_dir);
    if (!memo) return std::nullopt;
    return memo->first ? std::string("a guest boots under KVM") : "KVM unusable: " + memo->second;
}

AcceleratorChoice choose_accelerator(const std::string& request, const KernelTree& kernel, const std::string& work_dir,
                                     const std::string& cache_dir, const std::atomic<int>* interrupt) {
    if (request == "tcg") return {Accelerator::Tcg, "TCG requested"};
    if (request != "kvm" && request != "auto") throw std::invalid_argument(fmt::format("accelerator '{}': auto, kvm or tcg", request));
    std::optional<std::string> problem = kvm_device_problem();
    if (!problem) {
        if (auto memo = read_memo(cache_dir)) {
            if (!memo->first) problem = memo->second;
        } else {
            problem = probe_kvm_boot(kernel, work_dir, interrupt);
            write_memo(cache_dir, !problem, problem.value_or(""));
        }
    }
    if (!problem) return {Accelerator::Kvm, "a guest boots under KVM here"};
    if (request == "kvm") throw std::runtime_error("KVM requested but unusable: " + *problem);
    return {Accelerator::Tcg, "KVM unusable (" + *problem + "); TCG emulation"};
}

}  // namespace lab::vm
