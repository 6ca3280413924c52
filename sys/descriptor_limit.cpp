#include "sys/descriptor_limit.hpp"

#include <atomic>
#include <mutex>

namespace lab::sys {
namespace {

std::mutex mutex;
std::optional<rlimit> inherited;

}  // namespace

void raise_descriptor_limit() {
    std::lock_guard lock(mutex);
    rlimit nofile{};
    if (getrlimit(RLIMIT_NOFILE, &nofile) != 0 || nofile.rlim_cur == nofile.rlim_max) return;
    const rlimit given = nofile;
    nofile.rlim_cur = nofile.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &nofile) == 0 && !inherited) inherited = given;
}

std::optional<rlimit> inherited_descriptor_limit() {
    std::lock_guard lock(mutex);
    return inherited;
}

}  // namespace lab::sys
