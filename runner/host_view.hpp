#pragma once
// What one host's kernel shows at one instant: its sockets (sock_diag) and SNMP counters, read from
// inside its namespace.
#include <chrono>
#include <cstddef>
#include <optional>

#include "record/run_record.hpp"
#include "runner/netns.hpp"

namespace lab::runner {

// With `clock_start`, the view says when its counters were read, in seconds since then.
record::HostView observe_host(const Netns& ns,
                              std::optional<std::chrono::steady_clock::time_point> clock_start = std::nullopt);

// How many of the namespace's sockets `selector` picks, without reading the counters: cheap enough to
// poll while waiting on the kernel.
std::size_t count_sockets(const Netns& ns, const record::SocketSelector& selector);

}  // namespace lab::runner
