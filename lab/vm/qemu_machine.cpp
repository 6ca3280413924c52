#include "lab/vm/qemu_machine.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace lab::vm {
namespace {

// qemu's -virtfs and -serial values are comma-separated option lists; a ',' inside a value would be
// read as the start of another option.
const std::string& option_value(const std::string& value, const char* what) {
    if (value.find(',') != std::string::npos)
        throw std::invalid_argument(fmt::format("{} '{}' holds a ',', which qemu would split", what, value));
    return value;
}

}  // namespace

const char* to_string(Accelerator a) { return a == Accelerator::Kvm ? "kvm" : "tcg"; }

std::vector<std::string> qemu_argv(const QemuConfig& c) {
    std::vector<std::string> argv = {
        c.qemu,
        "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",  // guest poweroff or panic ends qemu
        "-accel", to_string(c.accel),
        "-m", std::to_string(c.memory_mb),
        "-smp", std::to_string(c.cpus),
        "-kernel", c.kernel,
        "-initrd", c.initramfs,
        "-append", c.kernel_args,
        "-serial", "file:" + option_value(c.console_log, "console log"),
        "-monitor", "none",
    };
    // Under KVM the host's own CPU; under TCG qemu's default model, which runs Debian's x86-64 baseline
    // binaries and keeps emulation on its fastest, most exercised path.
    if (c.accel == Accelerator::Kvm) {
        argv.push_back("-cpu");
        argv.push_back("host");
    }
    for (const auto& s : c.shares) {
        std::string spec = fmt::format("local,path={},mount_tag={},security_model=none", option_value(s.host_path, "shared directory"),
                                       option_value(s.tag, "mount tag"));
        // remap: the host root spans several filesystems; without it inode numbers could collide in the guest.
        if (s.read_only) spec += ",readonly=on,multidevs=remap";
        argv.push_back("-virtfs");
        argv.push_back(spec);
    }
    return argv;
}

QemuMachine QemuMachine::boot(const QemuConfig& config) {
    return QemuMachine(start_program({qemu_argv(config), "", config.qemu_log}));
}

}  // namespace lab::vm
