#pragma once
// What one host's kernel shows at one instant: its sockets (sock_diag) and SNMP counters, read from
// inside its namespace.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "record/run_record.hpp"
#include "runner/netns.hpp"

namespace lab::runner {

// Above this many sockets on a host, a snapshot that names no detail level keeps counts, not every socket:
// a full entry costs about 200 bytes of record.json, so 20 000 sockets are 4 MB and a million would be
// 200 MB, where the counts of a million are a few rows.
inline constexpr std::uint64_t kFullDetailLimit = 20000;

// With `clock_start`, the view says when its counters were read, in seconds since then. `detail`: "full",
// "counts", "none", or "" for full up to kFullDetailLimit sockets and counts above.
record::HostView observe_host(const Netns& ns,
                              std::optional<std::chrono::steady_clock::time_point> clock_start = std::nullopt,
                              std::string_view detail = "");

// How many of the namespace's sockets `selector` picks, without reading the counters: cheap enough to
// poll while waiting on the kernel. Counts without an object per socket where the selector allows it.
std::size_t count_sockets(const Netns& ns, const record::SocketSelector& selector);

}  // namespace lab::runner
