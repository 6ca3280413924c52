#pragma once
// lab-client's command line, parsed and validated whole before any socket is made.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/units.hpp"
#include "lab/agents/cli_exit.hpp"
#include "lab/agents/endpoint.hpp"
#include "lab/agents/op_sequence.hpp"

namespace lab::agent {

inline constexpr int max_client_connections = 100'000;

struct ClientOptions {
    Endpoint target;
    int connections = 1;
    std::string ops_text;
    std::vector<Op> ops;
    std::string group;
    std::optional<Endpoint> bind;
    Duration stagger{};
    Duration deadline = std::chrono::seconds(60);
    Duration hold{};
};

// argv[0] is the program name, as in main().
std::variant<ClientOptions, CliExit> parse_client_options(int argc, const char* const* argv);

}  // namespace lab::agent
