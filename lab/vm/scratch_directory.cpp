#include "lab/vm/scratch_directory.hpp"

namespace fs = std::filesystem;

namespace lab::vm {

sys::Directory ScratchDirectory::make(const sys::Directory& parent, const std::string& name) {
    parent.remove(name);  // a crashed run's leftover under the same name
    return parent.create_subdirectory(name, 0755);
}

ScratchDirectory::ScratchDirectory(const fs::path& path)
    : parent_(sys::Directory::open_or_create(fs::absolute(path).lexically_normal().parent_path())),
      name_(fs::absolute(path).lexically_normal().filename().string()),
      directory_(make(parent_, name_)) {}

ScratchDirectory::~ScratchDirectory() {
    try {
        parent_.remove(name_);
    } catch (...) {
        // Left for the next run under the same name, which removes it first.
    }
}

}  // namespace lab::vm
