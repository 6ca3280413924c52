#pragma once
// RLIMIT_NOFILE's soft limit is often 1024, far below what a thousand-connection client needs,
// while the hard limit allows much more: raising soft to hard is the unprivileged fix. The other
// direction (--nofile N) lowers it on purpose, so that socket() and accept() run into EMFILE.
#include <cstdint>

namespace lab::agent {

struct FileLimit {
    std::uint64_t soft = 0;
    std::uint64_t hard = 0;
    int error = 0;  // errno of setrlimit, for set_file_limit
};

// Raises the soft limit to the hard limit when it is below `wanted`; returns the limits in force.
FileLimit raise_file_limit(std::uint64_t wanted);

// Sets the soft limit to exactly `soft` (raising the hard limit first if needed, which takes
// CAP_SYS_RESOURCE); returns the limits in force and the errno if it could not.
FileLimit set_file_limit(std::uint64_t soft);

// How many fds the process has open now (counted in /proc/self/fd), so an event can say how much
// of the limit the agent itself uses (stdio, epoll, signalfd, listener).
int open_fd_count();

}  // namespace lab::agent
