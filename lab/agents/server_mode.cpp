#include "lab/agents/server_mode.hpp"

#include <string>

namespace lab::agent {

std::string_view server_mode_name(ServerMode mode) {
    switch (mode) {
    case ServerMode::Echo: return "echo";
    case ServerMode::Sink: return "sink";
    case ServerMode::Hold: return "hold";
    case ServerMode::Reset: return "reset";
    case ServerMode::Ack: return "ack";
    case ServerMode::Http: return "http";
    }
    return "?";
}

Parsed<ServerMode> parse_server_mode(std::string_view text) {
    for (auto mode : {ServerMode::Echo, ServerMode::Sink, ServerMode::Hold, ServerMode::Reset, ServerMode::Ack, ServerMode::Http})
        if (server_mode_name(mode) == text) return mode;
    return ParseError{"unknown mode '" + std::string(text) + "' (expected echo, sink, hold, reset, ack or http)"};
}

}  // namespace lab::agent
