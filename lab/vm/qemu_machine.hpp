#pragma once
// One qemu-system-x86_64 guest: direct kernel boot (no disk, no firmware menu), serial console into a
// file, host directories shared over virtio-9p. RAII through sys::Process: a QemuMachine that goes out
// of scope with its guest still running SIGKILLs and reaps qemu.
#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "lab/vm/program_run.hpp"

namespace lab::vm {

enum class Accelerator { Kvm, Tcg };
const char* to_string(Accelerator a);

struct SharedDirectory {
    std::string host_path;
    std::string tag;
    bool read_only = false;
};

struct QemuConfig {
    std::string qemu = "qemu-system-x86_64";
    Accelerator accel = Accelerator::Tcg;
    int memory_mb = 1536;  // an ASan-built lab inside needs room for its shadow pages
    int cpus = 2;
    std::string kernel;
    std::string initramfs;
    std::string kernel_args;
    std::string console_log;  // the guest's serial console
    std::string qemu_log;     // qemu's own stdout/stderr
    std::vector<SharedDirectory> shares;
};

// The whole command line, argv[0] included. Throws on a value qemu's option parser would split (a ','
// in a path or tag).
std::vector<std::string> qemu_argv(const QemuConfig& config);

class QemuMachine {
public:
    static QemuMachine boot(const QemuConfig& config);

    pid_t pid() const { return program_.pid(); }
    sys::WaitOutcome wait_until(std::chrono::steady_clock::time_point deadline, const std::atomic<int>* interrupt) {
        return program_.wait_until(deadline, interrupt);
    }
    const std::optional<sys::ProcessEnd>& end() const { return program_.end(); }
    void kill_and_reap() { program_.kill_and_reap(); }

private:
    explicit QemuMachine(sys::Process p) : program_(std::move(p)) {}
    sys::Process program_;
};

}  // namespace lab::vm
