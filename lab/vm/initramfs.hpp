#pragma once
// The guest's initramfs: a static busybox, the kernel modules the guest needs (dependencies first, as
// ModuleIndex ordered them), and the generated /init. Nothing else: the guest's programs come from the
// host's root over 9p.
#include <cstddef>
#include <string>
#include <vector>

#include "lab/vm/kernel_cache.hpp"

namespace lab::vm {

inline constexpr const char* kDefaultBusybox = "/bin/busybox";

// What the guest needs from its kernel: lab links (veth, bridges), netem and tbf qdiscs, sock_diag, and
// the virtio-9p stack that carries the host's root and the results.
std::vector<std::string> guest_modules();

// True when the ELF file at `path` has no program interpreter, i.e. it runs without a libc beside it
// (Debian's busybox is dynamic, busybox-static is not). Throws naming a file that is not ELF.
bool is_static_elf(const std::string& path);

struct InitramfsSpec {
    std::string busybox = kDefaultBusybox;
    KernelTree kernel;
    std::vector<std::string> module_paths;  // relative to kernel.modules_dir(), dependencies first
    std::string init_script;                // built with the archive paths module_archive_path() gives
};

// Where a module lands inside the initramfs, unpacked: "modules/sch_netem.ko" for
// "kernel/net/sched/sch_netem.ko" and for "kernel/net/sched/sch_netem.ko.xz".
std::string module_archive_path(const std::string& module_path);

// Writes the archive to `path`; returns its size in bytes. Throws naming the file that could not be read
// or written. Compressed modules (.ko.xz, .ko.zst) are stored unpacked: busybox insmod loads only
// plain .ko files.
std::size_t write_initramfs(const std::string& path, const InitramfsSpec& spec);

}  // namespace lab::vm
