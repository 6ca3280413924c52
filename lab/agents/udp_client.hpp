#pragma once
// lab-client --udp: --count datagrams of --size bytes to the target at --rate, over --connections
// UDP sockets (flows) taken in turn. Bounded by the count and by --deadline, whichever ends first.
#include "lab/agents/client_options.hpp"
#include "lab/agents/event_log.hpp"

namespace lab::agent {

// Returns the process exit code: 0, or exit_deadline when the deadline cut the sending short.
int run_udp_client(const ClientOptions& options, EventLog& log);

}  // namespace lab::agent
