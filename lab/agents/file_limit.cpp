#include "lab/agents/file_limit.hpp"

#include <cerrno>

#include <fcntl.h>
#include <sys/resource.h>

namespace lab::agent {

FileLimit raise_file_limit(std::uint64_t wanted) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return {};
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < wanted && limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
    }
    return FileLimit{static_cast<std::uint64_t>(limit.rlim_cur), static_cast<std::uint64_t>(limit.rlim_max)};
}

FileLimit set_file_limit(std::uint64_t soft) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return FileLimit{0, 0, errno};
    rlimit wanted = limit;
    wanted.rlim_cur = soft;
    if (wanted.rlim_max != RLIM_INFINITY && wanted.rlim_max < soft) wanted.rlim_max = soft;
    int error = setrlimit(RLIMIT_NOFILE, &wanted) == 0 ? 0 : errno;
    getrlimit(RLIMIT_NOFILE, &limit);
    return FileLimit{static_cast<std::uint64_t>(limit.rlim_cur), static_cast<std::uint64_t>(limit.rlim_max), error};
}

int open_fd_count() {
    // Probing each fd number needs no fd of its own, so it works at the limit, where opening
    // /proc/self/fd would fail with the very EMFILE being studied.
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
    rlim_t top = limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur > 1'048'576 ? 1'048'576 : limit.rlim_cur;
    int n = 0;
    for (rlim_t fd = 0; fd < top; ++fd) n += fcntl(static_cast<int>(fd), F_GETFD) != -1;
    return n;
}

}  // namespace lab::agent
