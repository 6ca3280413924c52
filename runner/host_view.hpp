#pragma once
// What one host's kernel shows at one instant: its sockets (sock_diag) and SNMP counters, read from
// inside its namespace.
#include "record/run_record.hpp"
#include "runner/netns.hpp"

namespace lab::runner {

record::HostView observe_host(const Netns& ns);

}  // namespace lab::runner
