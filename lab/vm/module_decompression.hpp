#pragma once
// Kernel modules as the guest's busybox insmod needs them: plain ELF .ko files. Debian's 6.12 packages
// ship .ko.xz (6.1's ship plain .ko); kernels built with zstd ship .ko.zst. The host unpacks them while
// it builds the initramfs, so the guest never needs the kernel's own in-kernel decompression
// (CONFIG_MODULE_DECOMPRESS, which busybox's init_module call would not use anyway).
#include <cstddef>
#include <string>
#include <string_view>

namespace lab::vm {

enum class ModuleCompression { None, Xz, Zstd };

// By the file name, as depmod and modprobe decide: ".ko" plain, ".ko.xz" xz, ".ko.zst" zstd. Throws
// naming a file that is none of these (.ko.gz: Debian never used it and there is no decompressor here).
ModuleCompression module_compression_of(std::string_view module_path);

// The name without the compression suffix: "kernel/fs/netfs/netfs.ko.xz" → "kernel/fs/netfs/netfs.ko".
std::string unpacked_module_path(std::string_view module_path);

// Nothing in a kernel package comes close: the largest 6.12 module (amdgpu) unpacks to ~20 MB.
inline constexpr std::size_t kMaxModuleBytes = 256u << 20;

// The plain .ko bytes of the module file `module_path` whose contents are `bytes`. Errors name the
// module file and the library's error ("kernel module kernel/fs/netfs/netfs.ko.xz: xz: LZMA_DATA_ERROR
// (compressed data is corrupt)"), and refuse a result that is not an ELF file.
std::string unpack_module(const std::string& module_path, std::string_view bytes);

}  // namespace lab::vm
