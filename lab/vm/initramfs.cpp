#include "lab/vm/initramfs.hpp"

#include <elf.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "common/errno_name.hpp"
#include "lab/vm/host_file.hpp"
#include "lab/vm/module_decompression.hpp"
#include "lab/vm/newc_archive.hpp"
#include "sys/directory.hpp"

namespace lab::vm {
namespace {

}  // namespace

std::vector<std::string> guest_modules() {
    return {"virtio_pci", "9pnet_virtio", "9p",   // the host's root and the results directory
            "veth",       "bridge",       "sch_netem", "sch_tbf",  // lab links and impairments
            "inet_diag",  "tcp_diag",     "udp_diag"};  // sock_diag snapshots
}

bool is_static_elf(const std::string& path) {
    std::string bytes = read_host_file(path);
    if (bytes.size() < sizeof(Elf64_Ehdr) || std::memcmp(bytes.data(), ELFMAG, SELFMAG) != 0 ||
        bytes[EI_CLASS] != ELFCLASS64)
        throw std::runtime_error(fmt::format("{}: not a 64-bit ELF file", path));
    Elf64_Ehdr eh;
    std::memcpy(&eh, bytes.data(), sizeof eh);
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
        std::size_t off = eh.e_phoff + std::size_t(i) * eh.e_phentsize;
        if (off + sizeof(Elf64_Phdr) > bytes.size()) throw std::runtime_error(fmt::format("{}: truncated ELF program headers", path));
        Elf64_Phdr ph;
        std::memcpy(&ph, bytes.data() + off, sizeof ph);
        if (ph.p_type == PT_INTERP) return false;
    }
    return true;
}

std::string module_archive_path(const std::string& module_path) {
    const std::string plain = unpacked_module_path(module_path);
    std::size_t slash = plain.rfind('/');
    return "modules/" + (slash == std::string::npos ? plain : plain.substr(slash + 1));
}

std::size_t write_initramfs(const std::string& path, const InitramfsSpec& spec) {
    if (!is_static_elf(spec.busybox))
        throw std::runtime_error(fmt::format("{} is dynamically linked; the guest needs busybox-static "
                                             "(apt-get install busybox-static)",
                                             spec.busybox));
    NewcArchive a;
    for (const char* dir : {"bin", "dev", "proc", "sys", "host", "modules"}) a.add_directory(dir);
    a.add_char_device("dev/console", 5, 1);
    a.add_file("bin/busybox", read_host_file(spec.busybox), 0755);
    a.add_symlink("bin/sh", "busybox");
    for (const auto& m : spec.module_paths)
        a.add_file(module_archive_path(m), unpack_module(m, read_host_file(spec.kernel.modules_dir() + "/" + m)), 0644);
    a.add_file("init", spec.init_script, 0755);
    std::string bytes = a.finish();
    const std::filesystem::path p = std::filesystem::absolute(path);
    sys::Directory::open_or_create(p.parent_path()).write_file(p.filename().string(), bytes, 0644);
    return bytes.size();
}

}  // namespace lab::vm
