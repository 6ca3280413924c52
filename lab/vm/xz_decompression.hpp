#pragma once
// Whole-buffer xz decompression with liblzma: the .xz container Debian's 6.12 packages use for kernel
// modules (kmod and the kernel write them with a CRC32 check; any check the format allows is accepted).
#include <cstddef>
#include <string>
#include <string_view>

namespace lab::vm {

// The decompressed bytes of `compressed` (one or more concatenated .xz streams). Throws
// std::runtime_error "<what>: xz: <liblzma's error>" for corrupt, truncated or oversized input.
std::string xz_decompress(std::string_view compressed, const std::string& what, std::size_t max_output);

}  // namespace lab::vm
