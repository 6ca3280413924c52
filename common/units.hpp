#pragma once
// Durations and byte sizes as people write them in scenario files and on agent command lines
// ("250ms", "1.5s", "2m"; "64KiB", "1k", "1500"). Parsing never throws: callers turn the
// error text into a message that names where the bad value was written.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace lab {

using Duration = std::chrono::nanoseconds;

struct ParseError {
    std::string message;
};

template <typename T>
using Parsed = std::variant<T, ParseError>;

// Accepts a non-negative decimal number followed by one of ns, us, ms, s, m, h.
// A bare number is rejected: a duration without a unit is a bug waiting to happen.
Parsed<Duration> parse_duration(std::string_view text);

// Accepts a non-negative integer or decimal with an optional unit: B, k/K/KB (1000), KiB (1024),
// M/MB, MiB, G/GB, GiB. A bare number is bytes.
Parsed<std::uint64_t> parse_size(std::string_view text);

// "1.5s", "250ms", "40us": the shortest exact spelling, for tables and error messages.
std::string format_duration(Duration d);

double to_seconds(Duration d);

template <typename T>
bool failed(const Parsed<T>& p) { return std::holds_alternative<ParseError>(p); }

}  // namespace lab
