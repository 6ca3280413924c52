#include "lab/agents/accept_policy.hpp"

namespace lab::agent {

std::string AcceptPolicy::text() const {
    switch (kind) {
    case Kind::Never: return "never";
    case Kind::Always: return "always";
    case Kind::After: return "after:" + format_duration(delay);
    }
    return "?";
}

Parsed<AcceptPolicy> parse_accept_policy(std::string_view text) {
    if (text == "never") return AcceptPolicy{AcceptPolicy::Kind::Never, {}};
    if (text == "always") return AcceptPolicy{AcceptPolicy::Kind::Always, {}};
    constexpr std::string_view after = "after:";
    if (text.substr(0, after.size()) == after) {
        auto delay = parse_duration(text.substr(after.size()));
        if (failed(delay)) return ParseError{"accept policy '" + std::string(text) + "': " + std::get<ParseError>(delay).message};
        return AcceptPolicy{AcceptPolicy::Kind::After, std::get<Duration>(delay)};
    }
    return ParseError{"unknown accept policy '" + std::string(text) + "' (expected never, always or after:DURATION)"};
}

}  // namespace lab::agent
