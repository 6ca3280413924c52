#pragma once
// How many of a host view's sockets a selector picks (or the sum of their queues), from whatever its
// snapshot's detail level kept: every socket (full), listeners whole and the rest counted by state and port
// (counts), or nothing (none). Shared by the analysis (sockets expectations) and the runner (waits).
#include <optional>
#include <string>
#include <string_view>

#include "record/run_record.hpp"

namespace lab::record {

// The number, or nullopt with `why` set: a counts-level view that does not hold the field the selector
// asks about (the remote port of sockets it counted by local port, the queue of a connected socket), or a
// view with no sockets at all. `metric`: "count", "recv_q" or "send_q".
std::optional<double> selected_sockets(const HostView& view, const SocketSelector& selector, std::string_view metric,
                                       std::string& why);

}  // namespace lab::record
