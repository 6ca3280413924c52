#pragma once
// RLIMIT_NOFILE's soft limit is often 1024, far below what a thousand-connection client needs,
// while the hard limit allows much more: raising soft to hard is the unprivileged fix.
#include <cstdint>

namespace lab::agent {

struct FileLimit {
    std::uint64_t soft = 0;
    std::uint64_t hard = 0;
};

// Raises the soft limit to the hard limit when it is below `wanted`; returns the limits in force.
FileLimit raise_file_limit(std::uint64_t wanted);

}  // namespace lab::agent
