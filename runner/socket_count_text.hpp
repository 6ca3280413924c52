#pragma once
// One host's sockets, counted, as the line `lab ctl RUN count` prints: states with their counts, the
// listeners' accept queues, the total.
#include <string>

#include "runner/socket_tally.hpp"

namespace lab::runner {

// "server: 2000 tcp established, 1 tcp listen (accept queue 0 of 4096), 3 tcp time-wait; 2004 sockets"
std::string socket_count_text(const std::string& host, const SocketTally& tally);

}  // namespace lab::runner
