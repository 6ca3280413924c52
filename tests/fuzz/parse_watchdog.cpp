#include "tests/fuzz/parse_watchdog.hpp"

#include <unistd.h>

#include <fmt/format.h>

namespace lab::fuzz {

ParseWatchdog::ParseWatchdog(std::chrono::milliseconds limit) : limit_(limit), thread_([this] { watch(); }) {}

ParseWatchdog::~ParseWatchdog() {
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void ParseWatchdog::start(std::string description) {
    {
        std::lock_guard lock(mutex_);
        description_ = std::move(description);
        started_ = std::chrono::steady_clock::now();
        running_ = true;
    }
    wake_.notify_all();
}

void ParseWatchdog::finish() {
    std::lock_guard lock(mutex_);
    running_ = false;
}

void ParseWatchdog::watch() {
    std::unique_lock lock(mutex_);
    while (!quit_) {
        if (!running_) {
            wake_.wait(lock, [this] { return quit_ || running_; });
            continue;
        }
        const auto deadline = started_ + limit_;
        if (std::chrono::steady_clock::now() < deadline) {
            wake_.wait_until(lock, deadline);
            continue;
        }
        const std::string message =
            fmt::format("scenario_parser_fuzz: FAIL: {} took longer than {} ms to parse (kept for reproduction)\n",
                        description_, limit_.count());
        [[maybe_unused]] auto written = ::write(STDERR_FILENO, message.data(), message.size());
        ::_exit(3);
    }
}

}  // namespace lab::fuzz
