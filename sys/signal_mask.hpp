#pragma once
// What another process's signal mask says, read from /proc/PID/status: how lab sees that a prestarted
// lab-client has finished starting and holds itself until SIGUSR1.
#include <sys/types.h>

namespace lab::sys {

// Whether `pid` has `sig` blocked (SigBlk). False when the process or its status cannot be read.
bool blocks_signal(pid_t pid, int sig);

}  // namespace lab::sys
