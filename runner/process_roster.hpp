#pragma once
// The processes a run started, by host, for a thread other than the timeline's to read (the sampler reads
// each one's resident memory). The timeline adds a process when it starts it and marks it ended when it
// reaps it, so the reader never takes a pid the kernel may have handed to someone else.
#include <sys/types.h>

#include <mutex>
#include <string>
#include <vector>

namespace lab::runner {

struct RosterEntry {
    std::string host;
    std::string name;
    int instance = 0;
    pid_t pid = 0;
};

class ProcessRoster {
public:
    void add(RosterEntry entry);
    void ended(pid_t pid);
    // The running processes of `host`, calling `read` on each with the roster locked: a process cannot be
    // reaped (and its pid reused) while it is read.
    template <class Read>
    void each_running_on(const std::string& host, Read&& read) const {
        std::lock_guard lock(mutex_);
        for (const RosterEntry& e : running_)
            if (e.host == host) read(e);
    }

private:
    mutable std::mutex mutex_;
    std::vector<RosterEntry> running_;
};

}  // namespace lab::runner
