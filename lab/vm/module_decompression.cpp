#include "lab/vm/module_decompression.hpp"

#include <elf.h>

#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "lab/vm/xz_decompression.hpp"
#include "lab/vm/zstd_decompression.hpp"

namespace lab::vm {
namespace {

}  // namespace

ModuleCompression module_compression_of(std::string_view path) {
    if (path.ends_with(".ko")) return ModuleCompression::None;
    if (path.ends_with(".ko.xz")) return ModuleCompression::Xz;
    if (path.ends_with(".ko.zst")) return ModuleCompression::Zstd;
    throw std::runtime_error(fmt::format("kernel module {}: not a .ko, .ko.xz or .ko.zst file", path));
}

std::string unpacked_module_path(std::string_view path) {
    switch (module_compression_of(path)) {
        case ModuleCompression::None: return std::string(path);
        case ModuleCompression::Xz: return std::string(path.substr(0, path.size() - 3));
        case ModuleCompression::Zstd: return std::string(path.substr(0, path.size() - 4));
    }
    return std::string(path);
}

std::string unpack_module(const std::string& module_path, std::string_view bytes) {
    const std::string what = "kernel module " + module_path;
    std::string plain;
    switch (module_compression_of(module_path)) {
        case ModuleCompression::None: plain = std::string(bytes); break;
        case ModuleCompression::Xz: plain = xz_decompress(bytes, what, kMaxModuleBytes); break;
        case ModuleCompression::Zstd: plain = zstd_decompress(bytes, what, kMaxModuleBytes); break;
    }
    // insmod in the guest would fail with a bare ENOEXEC; here the file is named.
    if (plain.size() < SELFMAG || std::memcmp(plain.data(), ELFMAG, SELFMAG) != 0)
        throw std::runtime_error(fmt::format("{}: not an ELF file{}", what,
                                             module_compression_of(module_path) == ModuleCompression::None
                                                 ? ""
                                                 : " after decompression"));
    return plain;
}

}  // namespace lab::vm
