#pragma once
// Which lab process owns a run. A live run holds a marker /run/lab/runs/<run id> naming its pid and that
// pid's start time (a recycled pid is not the owner); `lab clean` removes only the leftovers of runs
// whose owner is gone (crashed, SIGKILLed), never those of a run still going on in another terminal.
// The marker is also how a run claims its id, and it is never seen half-written: it is written whole under
// a temporary name (".claim-<pid>-<start time>-<n>") and then hard-linked to the id's name, which fails when
// the name exists, so two runs that draw the same id cannot both hold it, neither can delete the other's,
// and a `lab clean` in between finds either no marker or a complete one.
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "sys/directory.hpp"

namespace lab::runner {

// Six hex digits: 16.7 million ids, and "lab<id>-e<N>" still fits an interface name (15 characters).
inline constexpr int kRunIdDigits = 6;

class RunOwnership {
public:
    using IdSource = std::function<std::string()>;
    // Called with the drawn id after the claim is written under its temporary name and before it is
    // linked to the id: a test seam, to look at (or clean) the markers directory in that window.
    using BeforePublish = std::function<void(const std::string& id)>;

    // Draws ids until one is free and claims it: no marker holds it (the link fails with EEXIST) and no
    // namespace in /run/netns carries it (a crashed run's leftovers). Throws naming the markers directory
    // and errno.
    static RunOwnership claim_new_id(const sys::Directory& markers, const IdSource& draw = random_run_id,
                                     const BeforePublish& before_publish = {});
    static RunOwnership claim_new_id();  // in /run/lab/runs

    RunOwnership(RunOwnership&& other) noexcept;
    RunOwnership& operator=(RunOwnership&&) = delete;
    ~RunOwnership();  // removes the marker

    const std::string& run_id() const { return id_; }

    static std::string random_run_id();

private:
    RunOwnership(sys::Directory markers, std::string id) : markers_(std::move(markers)), id_(std::move(id)) {}
    std::optional<sys::Directory> markers_;
    std::string id_;
};

// The pid of the live process that owns run_id, or nullopt when no live process does.
std::optional<pid_t> live_run_owner(const std::string& run_id);
std::optional<pid_t> live_run_owner(const sys::Directory& markers, const std::string& run_id);

// How long a marker that does not read "pid starttime" is left alone: lab itself never shows one (it
// publishes complete markers), but a run of an older lab writes its marker after creating it, and what is
// in the middle of that must not be taken for a dead run's.
inline constexpr std::chrono::seconds kUnreadableMarkerGrace{60};

// Whether the marker of run_id does not read "pid starttime" and was written less than
// kUnreadableMarkerGrace ago: its run may be in the middle of claiming it, so `lab clean` leaves the run be.
bool run_marker_unreadable_and_recent(const std::string& run_id);
bool run_marker_unreadable_and_recent(const sys::Directory& markers, const std::string& run_id);

// Removes the markers of runs whose lab process is gone (a SIGKILLed run leaves its marker), claims
// whose writer is gone (".claim-…", left by a lab killed while claiming), and markers that cannot be read
// once they are older than kUnreadableMarkerGrace; returns how many. A live run's marker, a claim being
// written and a recent unreadable marker are left in place.
int remove_stale_run_markers();
int remove_stale_run_markers(const sys::Directory& markers);

// "3f2a01" for "lab-3f2a01-server"; "" when the name does not start with "lab-".
std::string run_id_of_namespace(const std::string& netns_name);

// Who made a lab-* namespace, by its name: a run ("lab-3f2a01-server": six hex digits), a lab tool that put
// its pid in the name ("lab-doctor-1234", "lab-bench-1234-0-h1": `tool` "doctor", `pid` 1234), or nobody
// lab knows ("lab-test", a user's own): `lab clean` removes only the first two kinds.
struct NamespaceOrigin {
    enum class Kind { Run, Tool, Foreign };
    Kind kind = Kind::Foreign;
    std::string run_id;  // Run
    std::string tool;    // Tool
    pid_t pid = 0;       // Tool
};
NamespaceOrigin namespace_origin(const std::string& netns_name);

// The start time (field 22 of /proc/PID/stat, clock ticks since boot); nullopt when pid is gone.
std::optional<unsigned long long> process_start_time(pid_t pid);

}  // namespace lab::runner
