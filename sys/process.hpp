#pragma once
// The one owner of a process that lab starts: a scenario's program inside a lab namespace, a lab-wire in a
// switch namespace, apt-get or qemu on the host. RAII: destroying a Process whose program still runs
// SIGKILLs and reaps it, so no exit path leaves one behind; and the program dies with lab
// (PR_SET_PDEATHSIG), so not even `kill -9` of lab does. What the program itself starts is the run's
// cgroup's business (sys/cgroup.hpp): join one through `cgroup_procs_fd`.
//
// Started with vfork: the parent's page tables are not copied, so a start takes well under a millisecond
// however large lab has grown (with fork, 100 netcat copies took seconds under ASan). Between vfork and
// exec the child makes system calls only and reports a failed step through memory it shares with us.
// Arguments go to execve as they are: no shell ever sees them.
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sys/invoker.hpp"

namespace lab::sys {

struct ProcessSpec {
    std::string executable;         // an absolute path (find_executable) or one relative to working_dir
    std::vector<std::string> argv;  // argv[0] included
    int netns_fd = -1;              // a network namespace to join before exec; -1: stay in lab's
    int cgroup_procs_fd = -1;       // a cgroup's cgroup.procs, opened for writing: join it before exec
    // The program's standard streams: descriptors the caller opened (and still owns); -1 is /dev/null.
    // stdout and stderr may be the same descriptor.
    int stdin_fd = -1;
    int stdout_fd = -1;
    int stderr_fd = -1;
    std::string working_dir;  // "": lab's own
    // A ConnectGate's child_socket(): the program is held at its first connect or send until the gate
    // releases it (sys/connect_gate.hpp). -1: not gated.
    int gate_socket = -1;
    // Run the program as this user (groups, gid, uid; after the namespace, cgroup and streams are set up
    // as root). nullopt: as lab's own user.
    std::optional<Credentials> run_as;
};

struct ProcessEnd {
    std::optional<int> exit_code;  // it exited by itself
    std::optional<int> signal;     // a signal ended it (0: reaped elsewhere, status unknown)
    bool success() const { return exit_code == 0; }
    std::string describe() const;  // "exit 0", "killed by SIGKILL"
};

enum class WaitOutcome { Ended, DeadlinePassed, Interrupted };

class Process {
public:
    // Throws std::system_error naming the executable, the step that failed ("setns(CLONE_NEWNET)") and
    // the errno name. A child that failed before exec is reaped before this returns.
    static Process spawn(const ProcessSpec& spec);

    Process(Process&&) noexcept;
    Process& operator=(Process&&) noexcept;
    ~Process();  // kill_and_reap()

    pid_t pid() const { return pid_; }
    // Reaps without blocking; the end once there is one.
    const std::optional<ProcessEnd>& poll();
    bool ended() const { return end_.has_value(); }
    const std::optional<ProcessEnd>& end() const { return end_; }
    std::chrono::steady_clock::time_point ended_at() const { return ended_at_; }
    void signal(int sig);  // a no-op once ended

    // Polls every 5 ms until the program ends, `deadline` passes or *interrupt is non-zero.
    WaitOutcome wait_until(std::chrono::steady_clock::time_point deadline, const std::atomic<int>* interrupt = nullptr);
    // SIGTERM, up to `grace` to end, then SIGKILL; ended and reaped on return.
    const ProcessEnd& stop(std::chrono::milliseconds grace);
    // SIGKILL and reap; a no-op once ended.
    void kill_and_reap();

private:
    Process() = default;
    void record_end(int status);

    pid_t pid_ = -1;
    std::optional<ProcessEnd> end_;
    std::chrono::steady_clock::time_point ended_at_{};
};

// Stops many at once: SIGTERM to every one still running, up to `grace` for all of them together, then
// SIGKILL to the rest; every one is ended and reaped on return.
void stop_processes(std::span<Process* const> processes, std::chrono::milliseconds grace);

// PATH lookup done before anything is built; a name with a '/' must be an executable file. Throws
// std::runtime_error naming the command.
std::string find_executable(const std::string& command);

}  // namespace lab::sys
