#pragma once
// When lab-server calls accept(): never (the accept queue fills up, as with a stuck server),
// always, only after a delay since listen() (a server that is slow to start draining its queue),
// at a steady rate (a server whose accept loop is throttled by its work), or in bursts (a server
// that drains N connections, then goes away for a while: GC pauses, a batch job).
#include <string>
#include <string_view>

#include "common/units.hpp"
#include "lab/agents/rate.hpp"

namespace lab::agent {

struct AcceptPolicy {
    enum class Kind { Never, Always, After, Rate, Burst };
    Kind kind = Kind::Always;
    Duration delay{};  // After only
    Rate rate;         // Rate only
    int burst = 0;     // Burst: this many accepts at the start of every `every`
    Duration every{};  // Burst only

    std::string text() const;  // as it would be written on the command line
};

// "never", "always", "after:DURATION", "rate:N/s", "burst:N/DURATION".
Parsed<AcceptPolicy> parse_accept_policy(std::string_view text);

}  // namespace lab::agent
