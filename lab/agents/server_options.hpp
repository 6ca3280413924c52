#pragma once
// lab-server's command line, parsed and validated whole before the listening socket is made.
#include <string>
#include <variant>

#include "common/units.hpp"
#include "lab/agents/accept_policy.hpp"
#include "lab/agents/cli_exit.hpp"
#include "lab/agents/endpoint.hpp"
#include "lab/agents/server_mode.hpp"

namespace lab::agent {

struct ServerOptions {
    Endpoint listen;  // from --listen, or --bind (default 0.0.0.0) with --port
    int backlog = 128;
    AcceptPolicy accept;
    ServerMode mode = ServerMode::Echo;
    bool reuseaddr = false;
    bool reuseport = false;
    std::string group;
    Duration deadline = std::chrono::seconds(300);
};

// argv[0] is the program name, as in main().
std::variant<ServerOptions, CliExit> parse_server_options(int argc, const char* const* argv);

}  // namespace lab::agent
