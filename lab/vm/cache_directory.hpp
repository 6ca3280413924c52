#pragma once
// The VM path's cache (kernel trees, probe memos, scratch work): lab's own state at its default place
// (/var/cache/lab/vm, root's even under sudo), a caller's directory like any --out when --cache names
// another, so `sudo lab vm run --cache DIR` writes only where the caller could.
#include <filesystem>

#include "sys/directory.hpp"

namespace lab::vm {

sys::Directory open_cache_directory(const std::filesystem::path& path, mode_t mode = 0755);

}  // namespace lab::vm
