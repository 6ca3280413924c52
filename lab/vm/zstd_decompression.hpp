#pragma once
// Whole-buffer zstd decompression with libzstd: kernels built with CONFIG_MODULE_COMPRESS_ZSTD ship
// .ko.zst modules (other distributions' kernels do; a Debian kernel may yet).
#include <cstddef>
#include <string>
#include <string_view>

namespace lab::vm {

// The decompressed bytes of `compressed` (one or more zstd frames). Throws std::runtime_error
// "<what>: zstd: <libzstd's error name>" for corrupt, truncated or oversized input.
std::string zstd_decompress(std::string_view compressed, const std::string& what, std::size_t max_output);

}  // namespace lab::vm
