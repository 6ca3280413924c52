#pragma once
// The shaper asks this for "now" instead of reading CLOCK_MONOTONIC itself, so that unit tests can
// step time by hand and check departure times to the nanosecond.
#include <cstdint>

#include "sys/monotonic_clock.hpp"

namespace lab::wire {

class Clock {
public:
    virtual ~Clock() = default;
    virtual std::int64_t now_ns() const = 0;
};

class MonotonicClock final : public Clock {
public:
    std::int64_t now_ns() const override { return sys::monotonic_ns(); }
};

}  // namespace lab::wire
