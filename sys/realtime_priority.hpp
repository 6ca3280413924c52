#pragma once
// The calling thread at real-time priority for a scope: a loop that wakes many programs at once (letting
// prestarted copies go) would otherwise compete for its CPU with the very programs it woke, and on an
// emulated guest take a second instead of a millisecond. Without CAP_SYS_NICE the thread simply keeps
// its priority.
#include <pthread.h>
#include <sched.h>

namespace lab::sys {

class ScopedRealtimePriority {
public:
    ScopedRealtimePriority() {
        if (::pthread_getschedparam(::pthread_self(), &policy_, &was_) != 0) return;
        sched_param fifo{};
        fifo.sched_priority = 1;
        raised_ = ::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &fifo) == 0;
    }
    ScopedRealtimePriority(const ScopedRealtimePriority&) = delete;
    ScopedRealtimePriority& operator=(const ScopedRealtimePriority&) = delete;
    ~ScopedRealtimePriority() {
        if (raised_) ::pthread_setschedparam(::pthread_self(), policy_, &was_);
    }

private:
    int policy_ = 0;
    sched_param was_{};
    bool raised_ = false;
};

}  // namespace lab::sys
