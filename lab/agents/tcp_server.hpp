#pragma once
// lab-server's run: one listener, an accept policy, and every accepted connection served in the
// same epoll loop according to the mode.
#include "lab/agents/event_log.hpp"
#include "lab/agents/server_options.hpp"

namespace lab::agent {

inline constexpr int exit_listen_failed = 1;

// Returns the process exit code: 0 after the deadline or a stop signal, exit_listen_failed when
// the listening socket could not be set up.
int run_tcp_server(const ServerOptions& options, EventLog& log);

}  // namespace lab::agent
