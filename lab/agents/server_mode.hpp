#pragma once
// What lab-server does with an accepted connection. hold never reads, so the client's data sits in
// the server's receive queue and its window closes: the "send() succeeds into a peer that is not
// reading" case.
#include <string_view>

#include "common/units.hpp"

namespace lab::agent {

enum class ServerMode { Echo, Sink, Hold };

std::string_view server_mode_name(ServerMode mode);

// "echo", "sink", "hold".
Parsed<ServerMode> parse_server_mode(std::string_view text);

}  // namespace lab::agent
