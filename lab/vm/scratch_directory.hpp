#pragma once
// A working directory that exists for one scope: created (with its parents) on construction, removed
// with everything in it on destruction, whichever way the scope ends.
#include <filesystem>
#include <system_error>

namespace lab::vm {

class ScratchDirectory {
public:
    explicit ScratchDirectory(std::filesystem::path path) : path_(std::move(path)) {
        std::filesystem::remove_all(path_);  // a crashed run's leftover under the same name
        std::filesystem::create_directories(path_);
    }
    ~ScratchDirectory() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    ScratchDirectory(const ScratchDirectory&) = delete;
    ScratchDirectory& operator=(const ScratchDirectory&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace lab::vm
