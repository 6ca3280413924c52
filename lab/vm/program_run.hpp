#pragma once
// The programs the VM path runs on the host — apt-get, dpkg, depmod, qemu — as sys::Process: killed
// and reaped with their owner on every path, and with lab itself (PR_SET_PDEATHSIG). Arguments go to
// execve as they are: no shell ever sees them.
#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "sys/process.hpp"

namespace lab::vm {

struct ProgramSpec {
    std::vector<std::string> argv;  // argv[0]: a name looked up in PATH, or a path
    std::string working_dir;        // empty: lab's own
    std::string output_path;        // stdout and stderr both go here (replaced); empty: /dev/null
};

// Throws std::system_error naming the program and errno when it cannot be started; the output file is
// made through its parent directory's descriptor, after the same checks as every path lab writes.
sys::Process start_program(const ProgramSpec& spec);

// Runs a program to its end within `timeout`; throws std::runtime_error naming it, with the last lines
// of its output, when it fails, times out (killed) or is interrupted.
void run_program(const ProgramSpec& spec, std::chrono::seconds timeout, const std::atomic<int>* interrupt = nullptr);

}  // namespace lab::vm
