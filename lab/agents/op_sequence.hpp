#pragma once
// The op sequence every client connection runs, as written after --ops:
//   "connect:3s;send:4KiB;recv:2s;sleep:1s;shutdown;close"
// Parsed and checked whole before any socket exists, so a typo in op 5 never leaves four ops'
// worth of half-made kernel state behind.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/units.hpp"

namespace lab::agent {

enum class OpKind { Connect, Send, Recv, Sleep, Shutdown, Close, Linger0 };

std::string_view op_name(OpKind kind);

// recv without a timeout still has one: a recv that can wait forever would only ever end at the
// run's deadline, which reads as "abandoned" rather than as the "timeout" it really is.
inline constexpr Duration default_recv_timeout = std::chrono::seconds(10);

struct Op {
    OpKind kind = OpKind::Connect;
    std::string arg;                  // the text after the first ':', "" if none: copied into events
    std::uint64_t size = 0;           // send
    std::optional<Duration> timeout;  // connect, send, recv
    Duration length{};                // sleep
};

// Errors name the op's 1-based position and its text, e.g. `op 3 "recv:2x": ...`.
Parsed<std::vector<Op>> parse_op_sequence(std::string_view text);

}  // namespace lab::agent
