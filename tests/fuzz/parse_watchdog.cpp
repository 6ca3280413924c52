#include "tests/fuzz/parse_watchdog.hpp"

#include <unistd.h>

#include <fmt/format.h>

namespace lab::fuzz {
namespace {

std::chrono::nanoseconds cpu_time(clockid_t clock) {
    timespec ts{};
    ::clock_gettime(clock, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

}  // namespace

ParseWatchdog::ParseWatchdog(std::chrono::milliseconds cpu_limit)
    : cpu_limit_(cpu_limit), thread_([this] { watch(); }) {}

ParseWatchdog::~ParseWatchdog() {
    {
        std::lock_guard lock(mutex_);
        quit_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void ParseWatchdog::start(std::string description) {
    clockid_t clock{};
    ::pthread_getcpuclockid(::pthread_self(), &clock);
    {
        std::lock_guard lock(mutex_);
        description_ = std::move(description);
        parser_clock_ = clock;
        cpu_at_start_ = cpu_time(clock);
        wall_at_start_ = std::chrono::steady_clock::now();
        running_ = true;
    }
    wake_.notify_all();
}

void ParseWatchdog::finish() {
    std::lock_guard lock(mutex_);
    running_ = false;
}

void ParseWatchdog::fire(std::string_view what) const {
    const std::string message = fmt::format(
        "scenario_parser_fuzz: FAIL: {} took longer than {} to parse (kept for reproduction)\n", description_, what);
    [[maybe_unused]] auto written = ::write(STDERR_FILENO, message.data(), message.size());
    ::_exit(3);
}

void ParseWatchdog::watch() {
    std::unique_lock lock(mutex_);
    while (!quit_) {
        if (!running_) {
            wake_.wait(lock, [this] { return quit_ || running_; });
            continue;
        }
        if (cpu_time(parser_clock_) - cpu_at_start_ > cpu_limit_)
            fire(fmt::format("{} ms of CPU time", cpu_limit_.count()));
        if (std::chrono::steady_clock::now() - wall_at_start_ > 10 * cpu_limit_)
            fire(fmt::format("{} ms of wall-clock time", 10 * cpu_limit_.count()));
        wake_.wait_for(lock, std::chrono::milliseconds(20));
    }
}

}  // namespace lab::fuzz
