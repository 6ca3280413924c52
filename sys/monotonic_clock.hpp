#pragma once
// Every timestamp an agent writes is CLOCK_MONOTONIC in nanoseconds: the runner reads the same clock
// when it starts a timeline, which is how agent events and snapshots line up without wall-clock drift.
#include <cstdint>
#include <ctime>

namespace lab::sys {

inline std::int64_t monotonic_ns() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace lab::sys
