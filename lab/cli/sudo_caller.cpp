#include "lab/cli/sudo_caller.hpp"

#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "sys/invoker.hpp"
#include "sys/kernel_error.hpp"
#include "sys/trusted_file.hpp"

namespace lab::cli {

void keep_trusted_path() {
    if (::geteuid() != 0) return;
    const char* path = std::getenv("PATH");
    std::string kept = lab::sys::trusted_search_path(path ? path : "");
    if (kept.empty()) kept = "/usr/sbin:/usr/bin:/sbin:/bin";
    ::setenv("PATH", kept.c_str(), 1);
}

void act_as_caller_under_sudo() {
    const auto invoker = sys::sudo_invoker();
    if (!invoker) return;
    // The main thread, before any other starts: glibc's wrappers change every thread's credentials anyway.
    if (::setgroups(invoker->groups.size(), invoker->groups.data()) != 0)
        sys::throw_kernel_error(fmt::format("setgroups for uid {}", invoker->uid), errno);
    if (::setresgid(invoker->gid, invoker->gid, invoker->gid) != 0)
        sys::throw_kernel_error(fmt::format("setresgid {}", invoker->gid), errno);
    if (::setresuid(invoker->uid, invoker->uid, invoker->uid) != 0)
        sys::throw_kernel_error(fmt::format("setresuid {}", invoker->uid), errno);
}

bool allowed_under_sudo(std::string_view what, std::string_view why) {
    const auto invoker = sys::sudo_invoker();
    if (!invoker) return true;
    fmt::print(stderr, "lab: {} is refused under sudo (uid {}, {}): {}; run it as root, without sudo\n", what,
               invoker->uid, invoker->name, why);
    return false;
}

}  // namespace lab::cli
