#pragma once
// How far a sweep is: runs done of all, failures so far, elapsed and the time left at the pace so far.
// On a terminal one line, rewritten in place; otherwise (CI logs, a pipe) one plain line per finished run.
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

namespace lab::cli {

class SweepProgress {
public:
    SweepProgress(std::size_t total, std::size_t already_done, std::FILE* out = stdout);

    // One run ended: `what` names it ("backlog=30 synack_retries=2 #1"), `verdict` says how it went.
    void finished(const std::string& what, const std::string& verdict, bool failed);
    void close();  // ends the updating line

    // "[12/56] 2 failed · 1m12s · about 3m40s left", for the line and for logs.
    std::string status() const;

private:
    std::size_t total_;
    std::size_t done_ = 0;
    std::size_t resumed_ = 0;
    std::size_t failed_ = 0;
    std::FILE* out_;
    bool terminal_;
    std::chrono::steady_clock::time_point started_;
    mutable std::mutex mutex_;
};

// "42s", "3m05s", "1h02m".
std::string short_duration(double seconds);

}  // namespace lab::cli
