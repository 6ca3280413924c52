#include "lab/agents/rate.hpp"

#include <charconv>
#include <cmath>

namespace lab::agent {

Duration Rate::interval() const {
    return Duration(static_cast<Duration::rep>(std::llround(1e9 / per_second)));
}

std::string Rate::text() const {
    char buf[32];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, per_second);
    return (ec == std::errc() ? std::string(buf, end) : std::string("?")) + "/s";
}

Parsed<Rate> parse_rate(std::string_view text) {
    const std::string quoted = "'" + std::string(text) + "'";
    auto slash = text.find('/');
    if (slash == std::string_view::npos) return ParseError{"rate " + quoted + " has no unit (expected e.g. \"2000/s\", \"30/m\")"};
    std::string_view count = text.substr(0, slash), unit = text.substr(slash + 1);
    double n = 0;
    auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
    if (count.empty() || ec != std::errc() || end != count.data() + count.size() || !std::isfinite(n))
        return ParseError{"rate " + quoted + ": '" + std::string(count) + "' is not a number"};
    double per = 0;
    if (unit == "s") per = 1;
    else if (unit == "ms") per = 1e-3;
    else if (unit == "m") per = 60;
    else if (unit == "h") per = 3600;
    else return ParseError{"rate " + quoted + " has unknown unit '" + std::string(unit) + "' (use /ms, /s, /m or /h)"};
    Rate rate{n / per};
    // Below one per hour or above ten million per second is a typo, not an experiment.
    if (rate.per_second < 1.0 / 3600 || rate.per_second > 1e7)
        return ParseError{"rate " + quoted + " is out of range (1/h to 10000000/s)"};
    return rate;
}

}  // namespace lab::agent
