#pragma once
// SIGINT/SIGTERM/SIGHUP: remember the signal so the runner stops at its next poll and tears the lab
// down, instead of dying with namespaces and processes left behind. main() installs the handlers before
// it reads anything, so a signal is never fatal however early it comes: an interrupted `lab` exits 2.
#include <atomic>
#include <string>

namespace lab::cli {

// First thing in main: from now on these signals only set the flag (to the signal's number).
const std::atomic<int>& remember_interrupts();

// For a command that builds or runs something: remember_interrupts(), and SIGPIPE ignored as well (a
// reader that went away, as in `lab run | head`, must not kill the lab before it has cleaned up).
const std::atomic<int>& install_interrupt_handlers();

// "SIGTERM" for 15.
std::string signal_name(int sig);

}  // namespace lab::cli
