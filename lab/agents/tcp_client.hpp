#pragma once
// lab-client's run: N connections, each running the op sequence, all in one epoll loop.
#include "lab/agents/client_options.hpp"
#include "lab/agents/event_log.hpp"

namespace lab::agent {

inline constexpr int exit_deadline = 3;

// Returns the process exit code: 0, or exit_deadline when the deadline cut ops short.
int run_tcp_client(const ClientOptions& options, EventLog& log);

}  // namespace lab::agent
