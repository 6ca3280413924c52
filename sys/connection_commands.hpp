#pragma once
// Run-time commands to a running lab-client --ping, as connscale had them (connections_start(N),
// connections_stop(N)): a queued real-time signal whose value is the count. lab needs no channel but the
// pid it started, and commands sent back to back all arrive (real-time signals queue; SIGUSR1 would
// merge them). The agent blocks both signals and reads them from a signalfd; lab sends one only to a
// process that has them blocked (signal_mask.hpp), so a command can never kill a program that does not
// take it.
#include <sys/types.h>

#include <optional>

#include "sys/unique_fd.hpp"

namespace lab::sys {

enum class ConnectionCommand { Start, Stop };

// More than one machine's descriptors (fs.nr_open is 1 048 576 by default): a larger count is a typo.
inline constexpr int kMaxConnectionsPerCommand = 4'000'000;

struct ConnectionRequest {
    ConnectionCommand command = ConnectionCommand::Start;
    int count = 0;
};

// SIGRTMIN + 1 (start) and SIGRTMIN + 2 (stop).
int connection_command_signal(ConnectionCommand command);

// sigqueue(pid, its signal, count): 0, or the errno it failed with.
int send_connection_command(pid_t pid, const ConnectionRequest& request);

// The agent's end: blocks both signals in the calling thread (threads started after it inherit that) and
// reads them from a signalfd, which an epoll loop can wait on. They stay blocked when it goes: a command
// that came after the last take() must not kill the agent while it writes its summary.
class ConnectionCommands {
public:
    ConnectionCommands();
    ConnectionCommands(const ConnectionCommands&) = delete;
    ConnectionCommands& operator=(const ConnectionCommands&) = delete;

    int fd() const { return fd_.get(); }

    // The next queued command, if any; a signal sent by other means than sigqueue (kill: no count) is
    // read and dropped.
    std::optional<ConnectionRequest> take();

private:
    UniqueFd fd_;
};

}  // namespace lab::sys
