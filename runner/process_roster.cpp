#include "runner/process_roster.hpp"

#include <algorithm>

namespace lab::runner {

void ProcessRoster::add(RosterEntry entry) {
    std::lock_guard lock(mutex_);
    running_.push_back(std::move(entry));
}

void ProcessRoster::ended(pid_t pid) {
    std::lock_guard lock(mutex_);
    std::erase_if(running_, [pid](const RosterEntry& e) { return e.pid == pid; });
}

}  // namespace lab::runner
