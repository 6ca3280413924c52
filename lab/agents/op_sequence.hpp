#pragma once
// The op sequence every client connection runs, as written after --ops:
//   "connect:3s;send:4KiB;recv:2s;sleep:1s;shutdown;close"
//   "keepalive:1s/1s/2;connect;send:100;outq;wait_error:10s"
//   "connect;send:4KiB;appack:5s"
// Parsed and checked whole before any socket exists, so a typo in op 5 never leaves four ops'
// worth of half-made kernel state behind.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/units.hpp"

namespace lab::agent {

enum class OpKind {
    Connect, Send, Recv, Sleep, Shutdown, Close, Linger0,
    Linger,       // SO_LINGER {1, N} then close(): blocks until the FIN is acked, a reset, or N s
    Keepalive,    // SO_KEEPALIVE + TCP_KEEPIDLE/INTVL/CNT
    UserTimeout,  // TCP_USER_TIMEOUT
    Outq,         // SIOCOUTQ and TCP_INFO into the event
    WaitError,    // wait until the socket reports an error (EPOLLERR/EPOLLHUP)
    AppAck,       // shutdown(SHUT_WR), read the peer's decimal byte count, compare with what was sent
};

// Socket options may be set before connect: the op then only records them, and connect applies
// them to the new socket before connect() (keepalive before the handshake behaves like inetd's).
bool is_socket_option(OpKind kind);

std::string_view op_name(OpKind kind);

// recv without a timeout still has one: a recv that can wait forever would only ever end at the
// run's deadline, which reads as "abandoned" rather than as the "timeout" it really is.
inline constexpr Duration default_recv_timeout = std::chrono::seconds(10);
// Long enough for keepalive or TCP_USER_TIMEOUT compressed to seconds to fire, still bounded.
inline constexpr Duration default_wait_error_timeout = std::chrono::seconds(30);
inline constexpr Duration default_appack_timeout = std::chrono::seconds(10);

struct Keepalive {
    Duration idle{};      // TCP_KEEPIDLE, whole seconds
    Duration interval{};  // TCP_KEEPINTVL, whole seconds
    int count = 0;        // TCP_KEEPCNT
};

struct Op {
    OpKind kind = OpKind::Connect;
    std::string arg;                  // the text after the first ':', "" if none: copied into events
    std::uint64_t size = 0;           // send
    std::optional<Duration> timeout;  // connect, send, recv, wait_error, appack
    Duration length{};                // sleep, user_timeout, linger
    Keepalive keepalive;              // keepalive
};

// Errors name the op's 1-based position and its text, e.g. `op 3 "recv:2x": ...`.
Parsed<std::vector<Op>> parse_op_sequence(std::string_view text);

}  // namespace lab::agent
