#pragma once
// lab-server --udp: a SO_REUSEPORT group of UDP sockets in one process, each counting what it
// receives, with an optional per-datagram cost that makes the receiver slower than its sender.
#include "lab/agents/event_log.hpp"
#include "lab/agents/server_options.hpp"

namespace lab::agent {

// Returns the process exit code: 0 after the deadline or a stop signal, exit_listen_failed (1)
// when a socket could not be set up.
int run_udp_server(const ServerOptions& options, EventLog& log);

}  // namespace lab::agent
