#pragma once
// What lab-server does with an accepted connection. hold never reads, so the client's data sits in
// the server's receive queue and its window closes: the "send() succeeds into a peer that is not
// reading" case. reset closes at once with SO_LINGER {1,0}, so the peer gets an RST instead of a FIN.
// ack reads until the peer's FIN, then answers with the byte count as a decimal line and closes:
// the server half of an application-level acknowledgement. http answers each connection's request with a
// fixed HTTP/1.0 200 and closes, so that real load generators (ab) have a server to talk to.
#include <string_view>

#include "common/units.hpp"

namespace lab::agent {

enum class ServerMode { Echo, Sink, Hold, Reset, Ack, Http };

std::string_view server_mode_name(ServerMode mode);

// "echo", "sink", "hold", "reset", "ack", "http".
Parsed<ServerMode> parse_server_mode(std::string_view text);

}  // namespace lab::agent
