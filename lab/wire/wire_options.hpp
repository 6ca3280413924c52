#pragma once
// lab-wire's command line. Parsing returns a CliExit instead of exiting so tests can check the
// exit code (2 for every usage error) and that the message names the bad option.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "common/units.hpp"
#include "sys/cli_exit.hpp"
#include "shaping/impairment.hpp"

namespace lab::wire {

struct WireOptions {
    std::string a, b;  // interface names, both in the wire's own namespace
    shaping::Impairment a2b, b2a;
    std::string control;  // unix datagram socket path; empty = no control socket
    std::uint64_t seed = 0;
    bool seed_given = false;  // otherwise a random seed, printed in the start line for replay
    std::optional<Duration> stats_interval;
};

std::variant<WireOptions, sys::CliExit> parse_wire_options(int argc, const char* const* argv);

}  // namespace lab::wire
