#pragma once
// Bounds the time one parse may take. The parser runs on the calling thread and cannot be
// interrupted, so a parse that overruns ends the whole process: the watchdog prints what it was
// given for that parse (which seed, which file, kept where) and exits with status 3. A hang is then
// a failing test that names its input, not a ctest timeout that names nothing.
//
// The bound is on the CPU time of the parsing thread, so that a CI machine busy with other builds
// does not fail a parse that was merely kept waiting; a parse that blocks without using the CPU is
// caught by a wall-clock bound ten times as long.
#include <pthread.h>
#include <time.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace lab::fuzz {

class ParseWatchdog {
public:
    explicit ParseWatchdog(std::chrono::milliseconds cpu_limit);
    ParseWatchdog(const ParseWatchdog&) = delete;
    ParseWatchdog& operator=(const ParseWatchdog&) = delete;
    ~ParseWatchdog();

    // From now until finish(), the calling thread's parse of what `description` names is on the clock.
    void start(std::string description);
    void finish();

private:
    void watch();
    [[noreturn]] void fire(std::string_view what) const;

    const std::chrono::milliseconds cpu_limit_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool running_ = false;
    bool quit_ = false;
    clockid_t parser_clock_{};
    std::chrono::nanoseconds cpu_at_start_{};
    std::chrono::steady_clock::time_point wall_at_start_;
    std::string description_;
    std::thread thread_;
};

}  // namespace lab::fuzz
