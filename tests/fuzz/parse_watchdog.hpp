#pragma once
// Bounds the time one parse may take. The parser runs on the calling thread and cannot be
// interrupted, so a parse that overruns ends the whole process: the watchdog prints what it was
// given for that parse (which seed, which file, kept where) and exits with status 3. A hang is then
// a failing test that names its input, not a ctest timeout that names nothing.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace lab::fuzz {

class ParseWatchdog {
public:
    explicit ParseWatchdog(std::chrono::milliseconds limit);
    ParseWatchdog(const ParseWatchdog&) = delete;
    ParseWatchdog& operator=(const ParseWatchdog&) = delete;
    ~ParseWatchdog();

    // From now until finish(), the parse of what `description` names is on the clock.
    void start(std::string description);
    void finish();

private:
    void watch();

    const std::chrono::milliseconds limit_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool running_ = false;
    bool quit_ = false;
    std::chrono::steady_clock::time_point started_;
    std::string description_;
    std::thread thread_;
};

}  // namespace lab::fuzz
