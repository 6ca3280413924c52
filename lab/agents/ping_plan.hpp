#pragma once
// lab-client --ping: connscale's load, for connection counts where one event per op would be the
// bottleneck. Connections start at a stated rate, each pings every `every` and expects its pong within
// `timeout` (or it counts as timed out), and the agent reports once a second instead of once per op.
#include <cstdint>
#include <optional>

#include "common/units.hpp"
#include "lab/agents/rate.hpp"

namespace lab::agent {

// Far beyond one machine's fds (fs.nr_open is 1 048 576 by default); more is a typo.
inline constexpr int max_ping_connections = 4'000'000;
inline constexpr int max_ping_threads = 64;
inline constexpr std::uint64_t max_ping_size = 255;  // a ping fits any send buffer in one send()

struct PingPlan {
    Duration every = std::chrono::seconds(10);
    Duration timeout = std::chrono::seconds(5);
    Duration connect_timeout = std::chrono::seconds(10);
    std::uint64_t size = 5;
    std::optional<Rate> ramp;  // connections started per unit of time; none: as fast as the loop goes
    int threads = 1;           // epoll loops, each owning an equal share of the connections and the rate
    // Connections the agent may hold at once, --connections at first and more on a start command
    // (connection_commands.hpp); 0: --connections. Each is a 16-byte slot, reserved at the start; a
    // stop command frees the slots of the connections it takes back.
    int capacity = 0;
    Duration report_every = std::chrono::seconds(1);
};

}  // namespace lab::agent
