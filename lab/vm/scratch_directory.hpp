#pragma once
// A working directory that exists for one scope: made (its parent checked like every place lab writes)
// on construction, removed with everything in it on destruction, whichever way the scope ends.
#include <filesystem>
#include <string>

#include "sys/directory.hpp"

namespace lab::vm {

class ScratchDirectory {
public:
    explicit ScratchDirectory(const std::filesystem::path& path);
    ~ScratchDirectory();
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;

    const std::filesystem::path& path() const { return directory_.path(); }
    const sys::Directory& directory() const { return directory_; }

private:
    static sys::Directory make(const sys::Directory& parent, const std::string& name);

    sys::Directory parent_;
    std::string name_;
    sys::Directory directory_;
};

}  // namespace lab::vm
