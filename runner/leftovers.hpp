#pragma once
// What `lab clean` removes after a crashed or killed run: named namespaces whose name starts with
// a prefix, and the processes living in them. Nothing else is ever looked at, let alone touched.
#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace lab::runner {

inline constexpr const char* kDefaultLeftoverPrefix = "lab-";

struct Leftover {
    std::string netns_name;
    std::vector<pid_t> pids;  // processes whose network namespace it is
};

struct CleanReport {
    std::vector<std::string> namespaces_removed;
    std::vector<pid_t> processes_killed;
    std::vector<std::string> problems;  // each names the pid or namespace it is about
};

// SIGKILLs every process (never this one) whose network namespace is one of those the descriptors
// refer to, and waits up to `wait` for them to exit. A run's last word before its namespaces go: whatever
// a scenario's programs left running inside them ends with the run, cgroup or no cgroup.
CleanReport kill_processes_in(const std::vector<int>& netns_fds,
                              std::chrono::milliseconds wait = std::chrono::seconds(5));

// An empty prefix is refused: it would match every namespace on the machine.
std::vector<Leftover> find_leftovers(const std::string& prefix = kDefaultLeftoverPrefix);

// SIGKILLs the processes of each leftover namespace (never this process), waits up to `wait`
// for them to exit, then removes the namespaces. A process that outlives the wait is reported;
// its namespace name is removed anyway and the namespace dies with the process.
CleanReport clean_leftovers(const std::string& prefix = kDefaultLeftoverPrefix,
                            std::chrono::milliseconds wait = std::chrono::seconds(5));

// The same for exactly these lab-* namespaces (a lab tool's, "lab-doctor-1234", whose name is no prefix of
// its own: "lab-doctor-12" must not take "lab-doctor-123" with it).
CleanReport clean_namespaces(const std::vector<std::string>& names, std::chrono::milliseconds wait = std::chrono::seconds(5));

}  // namespace lab::runner
