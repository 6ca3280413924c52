#pragma once
// Which lab process owns a run's namespaces. A live `lab run` keeps a marker file
// /run/lab/runs/<run id> naming its pid and that pid's start time; `lab clean` removes only the
// namespaces of runs whose owner is gone (crashed, SIGKILLed), never those of a run still going on in
// another terminal. The start time guards against a recycled pid.
#include <sys/types.h>

#include <optional>
#include <string>

namespace lab::runner {

inline constexpr const char* kRunMarkerDir = "/run/lab/runs";

class RunOwnership {
public:
    // Writes the marker for this process; throws naming the file and errno.
    static RunOwnership claim(const std::string& run_id);
    RunOwnership(RunOwnership&& other) noexcept;
    RunOwnership& operator=(RunOwnership&&) = delete;
    ~RunOwnership();  // removes the marker

private:
    explicit RunOwnership(std::string path) : path_(std::move(path)) {}
    std::string path_;
};

// The pid of the live process that owns run_id, or nullopt when no live process does.
std::optional<pid_t> live_run_owner(const std::string& run_id);

// Removes the markers of runs whose lab process is gone (a SIGKILLed run leaves its marker); returns
// how many.
int remove_stale_run_markers();

// "3f2a" for "lab-3f2a-server"; "" when the name does not start with "lab-".
std::string run_id_of_namespace(const std::string& netns_name);

// The start time (field 22 of /proc/PID/stat, clock ticks since boot); nullopt when pid is gone.
std::optional<unsigned long long> process_start_time(pid_t pid);

}  // namespace lab::runner
