#include "lab/cli/privileges.hpp"

#include <unistd.h>

#include <filesystem>

#include <fmt/format.h>

namespace lab::cli {

bool require_root(const std::string& what) {
    if (::geteuid() == 0) return true;
    fmt::print(stderr, "lab: {} needs root (it creates network namespaces and links); run it with sudo\n", what);
    return false;
}

std::string agent_directory() {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(".") : self.parent_path().string();
}

}  // namespace lab::cli
