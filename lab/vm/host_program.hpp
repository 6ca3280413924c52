#pragma once
// A program the VM path runs on the host: apt-get, dpkg, depmod, qemu. RAII: destroying a HostProgram
// whose process still runs SIGKILLs and reaps it, so no exit path of `lab vm` leaves a qemu behind; and
// the process dies with lab (PR_SET_PDEATHSIG), so not even `kill -9` of lab does. Arguments go to
// execve as they are: no shell ever sees them.
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lab::vm {

struct ProgramSpec {
    std::vector<std::string> argv;  // argv[0]: a name looked up in PATH, or a path
    std::string working_dir;        // empty: lab's own
    std::string output_path;        // stdout and stderr both go here (truncated); empty: /dev/null
};

struct ProgramEnd {
    std::optional<int> exit_code;
    std::optional<int> signal;
    bool success() const { return exit_code == 0; }
    std::string describe() const;  // "exit 0", "killed by SIGKILL"
};

enum class WaitOutcome { Ended, DeadlinePassed, Interrupted };

class HostProgram {
public:
    // Throws std::system_error naming the program and errno when it cannot be started.
    static HostProgram start(const ProgramSpec& spec);

    HostProgram(HostProgram&&) noexcept;
    HostProgram& operator=(HostProgram&&) noexcept;
    ~HostProgram();

    pid_t pid() const;
    const std::string& name() const { return name_; }
    // Reaps without blocking; the end once there is one.
    std::optional<ProgramEnd> poll();
    // Polls every 20 ms until the program ends, `deadline` passes or *interrupt is non-zero.
    WaitOutcome wait_until(std::chrono::steady_clock::time_point deadline, const std::atomic<int>* interrupt);
    // SIGKILL and reap; a no-op once ended.
    void kill_and_reap();
    std::optional<ProgramEnd> end() const { return end_; }

private:
    struct Impl;
    HostProgram(std::unique_ptr<Impl> impl, std::string name);
    std::unique_ptr<Impl> impl_;
    std::string name_;
    std::optional<ProgramEnd> end_;
};

// Runs a program to its end within `timeout`; throws std::runtime_error naming it, with the last lines
// of its output, when it fails, times out (killed) or is interrupted.
void run_program(const ProgramSpec& spec, std::chrono::seconds timeout, const std::atomic<int>* interrupt = nullptr);

}  // namespace lab::vm
