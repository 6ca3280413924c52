#pragma once
// When lab-server calls accept(): never (the accept queue fills up, as with a stuck server),
// always, or only after a delay since listen() (a server that is slow to start draining its queue).
#include <string>
#include <string_view>

#include "common/units.hpp"

namespace lab::agent {

struct AcceptPolicy {
    enum class Kind { Never, Always, After };
    Kind kind = Kind::Always;
    Duration delay{};  // After only

    std::string text() const;  // as it would be written on the command line
};

// "never", "always", "after:DURATION".
Parsed<AcceptPolicy> parse_accept_policy(std::string_view text);

}  // namespace lab::agent
