#pragma once
// A cgroup (v2) per run. Every process a run starts joins it before exec (ProcessSpec::cgroup_procs_fd),
// so whatever those start in turn — a shell's background job, a program that ignores SIGTERM and
// double-forks — belongs to the run too and is killed with it: on every exit path, including after lab
// itself was SIGKILLed (`lab clean` finds the groups of dead runs). Killing by cgroup does not depend on
// parentage or on which namespace a process is in now.
//
// The groups live in one place, <cgroup2 mount>/lab/<run id>: no controllers are enabled, so this
// changes no limit or accounting of anything on the machine. Where the kernel offers no cgroup v2 the
// runner falls back to killing every process inside the run's network namespaces (`lab doctor` says which).
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sys/unique_fd.hpp"

namespace lab::sys {

// Where cgroup v2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid machine), read from
// /proc/self/mountinfo; nullopt when it is not.
std::optional<std::string> cgroup2_mount();

// The directory that holds the run groups, "<mount>/lab"; nullopt without cgroup v2.
std::optional<std::string> run_cgroups_root();

class RunCgroup {
public:
    // Creates <mount>/lab/<name>. nullopt, with the reason in *why, where there is no cgroup v2 or the
    // group cannot be made (a read-only cgroupfs in a container). EEXIST is an error: a group of that name
    // belongs to another run.
    static std::optional<RunCgroup> create(const std::string& name, std::string* why);
    // Adopts an existing group (lab clean); nullopt when there is none.
    static std::optional<RunCgroup> adopt(const std::string& name);

    RunCgroup(RunCgroup&&) noexcept;
    RunCgroup& operator=(RunCgroup&&) = delete;
    ~RunCgroup();  // kill_all, then remove the group

    const std::string& path() const { return path_; }
    // cgroup.procs, open for writing: a child writes "0" into it to join.
    int procs_fd() const { return procs_.get(); }
    std::vector<pid_t> pids() const;

    // SIGKILLs every process in the group (cgroup.kill where the kernel has it, 5.14 on; else each pid,
    // with the group frozen so that none can fork meanwhile) and waits up to `wait` until it is empty.
    // Returns the pids still inside after the wait (normally none).
    std::vector<pid_t> kill_all(std::chrono::milliseconds wait = std::chrono::seconds(5));
    // Removes the (empty) group; false with the reason when it cannot be.
    bool remove(std::string* why = nullptr);

private:
    RunCgroup(std::string path, UniqueFd dir, UniqueFd procs)
        : path_(std::move(path)), dir_(std::move(dir)), procs_(std::move(procs)) {}
    bool populated() const;

    std::string path_;
    UniqueFd dir_;
    UniqueFd procs_;
    bool removed_ = false;
};

// The names of the run groups that exist now (for lab clean).
std::vector<std::string> list_run_cgroups();

}  // namespace lab::sys
