#include "lab/agents/server_mode.hpp"

#include <string>

namespace lab::agent {

std::string_view server_mode_name(ServerMode mode) {
    switch (mode) {
    case ServerMode::Echo: return "echo";
    case ServerMode::Sink: return "sink";
    case ServerMode::Hold: return "hold";
    }
    return "?";
}

Parsed<ServerMode> parse_server_mode(std::string_view text) {
    for (auto mode : {ServerMode::Echo, ServerMode::Sink, ServerMode::Hold})
        if (server_mode_name(mode) == text) return mode;
    return ParseError{"unknown mode '" + std::string(text) + "' (expected echo, sink or hold)"};
}

}  // namespace lab::agent
