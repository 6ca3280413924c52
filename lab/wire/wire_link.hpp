#pragma once
// The running wire: two packet sockets, a shaper per direction, and one single-threaded epoll
// loop that receives, schedules and sends. The loop sleeps until the earliest departure
// (epoll_pwait2 with a nanosecond timeout and a 1 ns timer slack: one hrtimer, no timerfd to
// re-arm every time the head of a queue changes).
#include "lab/wire/wire_options.hpp"

namespace lab::wire {

// Runs until SIGTERM/SIGINT, writing JSON lines to out_fd; returns the exit code.
// Throws std::system_error when an interface or the control socket cannot be set up.
int run_wire(const WireOptions& options, int out_fd);

}  // namespace lab::wire
