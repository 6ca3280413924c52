#include "lab/cli/privileges.hpp"

#include <unistd.h>

#include <filesystem>
#include <string_view>

#include <fmt/format.h>

namespace lab::cli {

std::string why_root(std::string_view command) {
    if (command == "lab run" || command == "lab sweep") return "it creates network namespaces and links";
    if (command == "lab clean")
        return "it removes network namespaces under /run/netns and kills the processes inside them";
    if (command == "lab vm run")
        return "it fetches Debian kernels into /var/cache/lab/vm (apt-get download, dpkg -x, depmod) and boots them";
    if (command == "lab vm fetch") return "it unpacks kernels into /var/cache/lab/vm and runs depmod there";
    if (command == "lab ctl")
        return "a run's control socket is root's alone: /run/lab/ctl is mode 0700, and a run answers uid 0 only";
    return "it changes the system's network configuration";
}

bool require_root(const std::string& what) {
    if (::geteuid() == 0) return true;
    fmt::print(stderr, "lab: {} needs root ({}); run it with sudo\n", what, why_root(what));
    return false;
}

std::string agent_directory() {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::string(".") : self.parent_path().string();
}

}  // namespace lab::cli
