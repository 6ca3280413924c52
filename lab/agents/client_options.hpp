#pragma once
// lab-client's command line, parsed and validated whole before any socket is made.
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/units.hpp"
#include "sys/cli_exit.hpp"
#include "lab/agents/endpoint.hpp"
#include "lab/agents/op_sequence.hpp"
#include "lab/agents/ping_plan.hpp"
#include "lab/agents/rate.hpp"

namespace lab::agent {

inline constexpr int max_client_connections = 100'000;
inline constexpr std::uint64_t max_udp_count = 100'000'000;
inline constexpr std::uint64_t max_udp_size = 65'507;  // the largest IPv4 UDP payload

struct ClientOptions {
    Endpoint target;
    int connections = 1;
    std::string ops_text;
    std::vector<Op> ops;
    std::string group;
    std::vector<Endpoint> binds;       // source addresses, taken round-robin; empty: the kernel picks
    // TCP: bind() picks the source port (no IP_BIND_ADDRESS_NO_PORT), as code from before Linux 4.2
    // and Erlang's gen_tcp do; a source address then holds one port range over all destinations.
    bool port_at_bind = false;
    std::optional<std::uint64_t> nofile;  // RLIMIT_NOFILE soft limit to set instead of raising it
    // UDP: --connections sockets (flows) each connect()ed to the target, sending in turn.
    bool udp = false;
    std::optional<Rate> rate;  // none: as fast as send() goes
    std::uint64_t count = 1000;
    std::uint64_t size = 64;
    Duration stagger{};
    // Connections start in waves of these sizes (their sum is --connections); a wave starts
    // wave_gap after every connect() of the wave before it has ended, ok or not. Empty: one wave.
    std::vector<int> waves;
    Duration wave_gap{};
    Duration deadline = std::chrono::seconds(60);
    Duration hold{};
    Duration start_after{};  // sleep this long before anything else
    bool start_on_signal = false;  // then hold until SIGUSR1 (lab's prestart)
    std::optional<PingPlan> ping;  // --ping: ramp, ping every connection, report per second (ping_client.cpp)
};

// argv[0] is the program name, as in main().
std::variant<ClientOptions, sys::CliExit> parse_client_options(int argc, const char* const* argv);

}  // namespace lab::agent
