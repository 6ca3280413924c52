#pragma once
// SIGINT/SIGTERM/SIGHUP during a run: remember the signal so the runner stops at its next poll and tears
// the lab down, instead of dying with namespaces and processes left behind.
#include <atomic>

namespace lab::cli {

const std::atomic<int>& install_interrupt_handlers();

}  // namespace lab::cli
