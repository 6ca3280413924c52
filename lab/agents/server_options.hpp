#pragma once
// lab-server's command line, parsed and validated whole before the listening socket is made.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "common/units.hpp"
#include "lab/agents/accept_policy.hpp"
#include "sys/cli_exit.hpp"
#include "lab/agents/datagram_cost.hpp"
#include "lab/agents/endpoint.hpp"
#include "lab/agents/reuseport_cbpf.hpp"
#include "lab/agents/server_mode.hpp"

namespace lab::agent {

inline constexpr int max_acceptors = 1024;
inline constexpr int max_udp_sockets = 1024;

// How acceptor threads wait for a connection: in a blocking accept() each (the classic thread
// pool), or each in its own epoll instance on the shared listener (EPOLLEXCLUSIVE, so one
// connection wakes one thread).
enum class AcceptorWait { Block, Epoll };

struct ServerOptions {
    Endpoint listen;  // from --listen, or --bind (default 0.0.0.0) with --port
    int backlog = 128;
    AcceptPolicy accept;
    ServerMode mode = ServerMode::Echo;
    bool reuseaddr = false;
    bool reuseport = false;
    std::optional<ReuseportSpread> spread;  // SO_ATTACH_REUSEPORT_CBPF
    std::optional<int> linger;              // SO_LINGER {1, SECONDS} on every accepted connection
    int acceptors = 0;                      // 0: the main loop accepts; N: N acceptor threads
    AcceptorWait acceptor_wait = AcceptorWait::Block;
    std::optional<std::uint64_t> nofile;    // RLIMIT_NOFILE soft limit, instead of raising it
    std::optional<Duration> close_listener_at;  // since listen
    // UDP receive mode.
    bool udp = false;
    int sockets = 1;  // sockets in the SO_REUSEPORT group (UDP)
    DatagramCost cost;
    std::optional<std::uint64_t> rcvbuf;  // SO_RCVBUF (the kernel doubles it)
    Duration report_every = std::chrono::seconds(1);
    std::string group;
    Duration deadline = std::chrono::seconds(300);
    bool start_on_signal = false;  // listen, then hold until SIGUSR1 (lab's prestart)
    // TCP: no accept/conn_end event per connection but one "second" line per report_every (100k-1M connections).
    bool per_second = false;
};

// argv[0] is the program name, as in main().
std::variant<ServerOptions, sys::CliExit> parse_server_options(int argc, const char* const* argv);

}  // namespace lab::agent
