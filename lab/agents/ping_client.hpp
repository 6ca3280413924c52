#pragma once
#include "lab/agents/client_options.hpp"
#include "lab/agents/event_log.hpp"

namespace lab::agent {

// lab-client --ping (options.ping set): connscale's load. Returns the process exit code.
int run_ping_client(const ClientOptions& options, EventLog& log);

}  // namespace lab::agent
