#pragma once
// Holds programs at their first connect() or send until lab releases them all at once.
//
// Starting a program costs its exec, the dynamic loader and the program's own set-up: well under a
// millisecond on the host, ~50 ms in an emulated (TCG) guest, so 100 netcat copies started "at once" send
// their SYNs over three seconds there, and a scenario about a burst measures the guest's speed instead of
// its kernel. A gated program is started ahead of time and runs its set-up freely; a seccomp filter stops
// it at its first connect(), sendto(), sendmsg() or sendmmsg() on an IP socket and hands the call to lab
// (SECCOMP_RET_USER_NOTIF). When the step is due, lab lets every held call go on (SECCOMP_USER_NOTIF_FLAG
// _CONTINUE) in one loop, so the copies' first packets leave within a fraction of a millisecond of each
// other on any machine. Later calls of a released program pass at once, answered by a thread of the gate.
// Needs Linux 5.5 and root (the filter is installed without no_new_privs, so set-uid programs still work).
#include <sys/types.h>

#include <cstdint>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "sys/unique_fd.hpp"

namespace lab::sys {

// Runs in a vfork()ed child just before exec: installs the filter and sends its listener to the gate
// through `gate_socket` (ConnectGate::child_socket()). System calls only. Returns 0 or an errno.
int install_connect_gate(int gate_socket) noexcept;

struct GateRelease {
    std::size_t released = 0;  // held calls let go by this release
    std::optional<std::chrono::steady_clock::time_point> first, last;  // the first and last let go
};

class ConnectGate {
public:
    ConnectGate();  // throws std::system_error naming the call that failed
    ConnectGate(const ConnectGate&) = delete;
    ConnectGate& operator=(const ConnectGate&) = delete;
    // Stops the answering thread and closes the listeners: a program still held then sees its call
    // fail with ENOSYS, so programs are meant to be ended first.
    ~ConnectGate();

    // What ProcessSpec::gate_socket is set to for a gated start.
    int child_socket() const { return child_end_.get(); }

    // Takes the listener the just-started child `pid` sent. Call right after Process::spawn returned
    // (the child has exec'd by then, so the listener is waiting). Throws when there is none.
    void adopt(pid_t pid);

    // Waits until each of `pids` is held at the gate or has ended, or `deadline` passes; the pids that
    // are neither, in the order given.
    std::vector<pid_t> wait_until_held(std::span<const pid_t> pids, std::chrono::steady_clock::time_point deadline);

    // When `pid` reached the gate, if it did.
    std::optional<std::chrono::steady_clock::time_point> held_at(pid_t pid) const;

    // Lets every held call of `pids` go on; from now on their gated calls pass without waiting.
    GateRelease release(std::span<const pid_t> pids);

private:
    struct Gated {
        UniqueFd listener;
        bool released = false;
        bool gone = false;  // every task under the filter ended
        std::vector<std::uint64_t> held_calls;  // a shell's children share its filter, and may all be held
        std::optional<std::chrono::steady_clock::time_point> held_at;
    };

    void answer_loop();
    void on_notification(Gated& g);

    UniqueFd child_end_, lab_end_;
    UniqueFd epoll_, wake_;
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::map<pid_t, std::unique_ptr<Gated>> gated_;
    std::thread answerer_;
};

}  // namespace lab::sys
