#include "lab/agents/accept_policy.hpp"

#include <charconv>

namespace lab::agent {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

AcceptPolicy of_kind(AcceptPolicy::Kind kind) {
    AcceptPolicy policy;
    policy.kind = kind;
    return policy;
}

}  // namespace

std::string AcceptPolicy::text() const {
    switch (kind) {
    case Kind::Never: return "never";
    case Kind::Always: return "always";
    case Kind::After: return "after:" + format_duration(delay);
    case Kind::Rate: return "rate:" + rate.text();
    case Kind::Burst: return "burst:" + std::to_string(burst) + "/" + format_duration(every);
    }
    return "?";
}

Parsed<AcceptPolicy> parse_accept_policy(std::string_view text) {
    const std::string quoted = "accept policy '" + std::string(text) + "': ";
    if (text == "never") return of_kind(AcceptPolicy::Kind::Never);
    if (text == "always") return of_kind(AcceptPolicy::Kind::Always);
    if (starts_with(text, "after:")) {
        auto delay = parse_duration(text.substr(6));
        if (failed(delay)) return ParseError{quoted + std::get<ParseError>(delay).message};
        AcceptPolicy policy = of_kind(AcceptPolicy::Kind::After);
        policy.delay = std::get<Duration>(delay);
        return policy;
    }
    if (starts_with(text, "rate:")) {
        auto rate = parse_rate(text.substr(5));
        if (failed(rate)) return ParseError{quoted + std::get<ParseError>(rate).message};
        AcceptPolicy policy = of_kind(AcceptPolicy::Kind::Rate);
        policy.rate = std::get<Rate>(rate);
        return policy;
    }
    if (starts_with(text, "burst:")) {
        std::string_view rest = text.substr(6);
        auto slash = rest.find('/');
        if (slash == std::string_view::npos) return ParseError{quoted + "expected burst:N/DURATION, e.g. burst:10/1s"};
        std::string_view count = rest.substr(0, slash);
        int n = 0;
        auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
        if (count.empty() || ec != std::errc() || end != count.data() + count.size() || n < 1)
            return ParseError{quoted + "'" + std::string(count) + "' is not a whole number of at least 1"};
        auto every = parse_duration(rest.substr(slash + 1));
        if (failed(every)) return ParseError{quoted + std::get<ParseError>(every).message};
        AcceptPolicy policy = of_kind(AcceptPolicy::Kind::Burst);
        policy.burst = n;
        policy.every = std::get<Duration>(every);
        if (policy.every <= Duration::zero()) return ParseError{quoted + "the burst period must be longer than 0"};
        return policy;
    }
    return ParseError{"unknown accept policy '" + std::string(text) +
                      "' (expected never, always, after:DURATION, rate:N/s or burst:N/DURATION)"};
}

}  // namespace lab::agent
