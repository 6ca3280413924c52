#pragma once
// How an agent lab prestarted waits for its step: everything that takes time (exec, loading, parsing,
// for a server its listener) happens before the timeline's clock starts; then the agent blocks SIGUSR1,
// which lab reads in /proc/PID/status as "ready", and waits for it. lab sends it when the step is due,
// to every copy in one loop.
namespace lab::agent {

// Blocks SIGUSR1 and returns once it arrives. Read from a signalfd, not sigwait(): the kernel unblocks
// what sigwait() waits for while it waits, and lab would never see the agent ready.
void hold_until_start_signal();

}  // namespace lab::agent
