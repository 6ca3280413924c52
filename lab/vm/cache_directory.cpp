#include "lab/vm/cache_directory.hpp"

#include "lab/vm/kernel_cache.hpp"

namespace fs = std::filesystem;

namespace lab::vm {

sys::Directory open_cache_directory(const fs::path& path, mode_t mode) {
    const fs::path absolute = fs::absolute(path).lexically_normal();
    const fs::path default_root = fs::path(kDefaultCacheDir);
    const fs::path below = absolute.lexically_relative(default_root);
    const bool lab_state = !below.empty() && *below.begin() != "..";
    return lab_state ? sys::Directory::open_or_create_lab_state(absolute, mode) : sys::Directory::open_or_create(absolute, mode);
}

}  // namespace lab::vm
