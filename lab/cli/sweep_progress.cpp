#include "lab/cli/sweep_progress.hpp"

#include <unistd.h>

#include <cmath>

#include <fmt/format.h>

namespace lab::cli {

std::string short_duration(double seconds) {
    const auto s = static_cast<long>(std::lround(std::max(0.0, seconds)));
    if (s < 60) return fmt::format("{}s", s);
    if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
    return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

SweepProgress::SweepProgress(std::size_t total, std::size_t already_done, std::FILE* out)
    : total_(total), done_(already_done), resumed_(already_done), out_(out), terminal_(::isatty(::fileno(out)) == 1),
      started_(std::chrono::steady_clock::now()) {
    if (terminal_) {
        std::lock_guard lock(mutex_);
        fmt::print(out_, "\r\x1b[K{}", status());
        std::fflush(out_);
    }
}

std::string SweepProgress::status() const {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const std::size_t ran = done_ - resumed_;
    std::string left = "";
    if (ran > 0 && done_ < total_)
        left = fmt::format(" · about {} left", short_duration(elapsed / static_cast<double>(ran) * static_cast<double>(total_ - done_)));
    return fmt::format("[{}/{}] {} failed · {}{}", done_, total_, failed_, short_duration(elapsed), left);
}

void SweepProgress::finished(const std::string& what, const std::string& verdict, bool failed) {
    std::lock_guard lock(mutex_);
    ++done_;
    failed_ += failed ? 1 : 0;
    if (terminal_) {
        if (failed) fmt::print(out_, "\r\x1b[K{}: {}\n", what, verdict);  // failures stay on screen
        fmt::print(out_, "\r\x1b[K{}", status());
    } else {
        fmt::print(out_, "{} {}: {}\n", status(), what, verdict);
    }
    std::fflush(out_);
}

void SweepProgress::close() {
    std::lock_guard lock(mutex_);
    if (terminal_) fmt::print(out_, "\r\x1b[K{}\n", status());
    std::fflush(out_);
}

}  // namespace lab::cli
