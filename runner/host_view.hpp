#pragma once
// What one host's kernel shows at one instant: its sockets (sock_diag) and SNMP counters, read from
// inside its namespace.
#include <chrono>
#include <optional>

#include "record/run_record.hpp"
#include "runner/netns.hpp"

namespace lab::runner {

// With `clock_start`, the view says when its counters were read, in seconds since then.
record::HostView observe_host(const Netns& ns,
                              std::optional<std::chrono::steady_clock::time_point> clock_start = std::nullopt);

}  // namespace lab::runner
