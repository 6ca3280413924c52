#pragma once
// A regular expression that reads one number from a line a program printed ("Failed requests:\s+(\d+)",
// "connect_ok=(\d+)"): ECMAScript syntax, exactly one capture group. The scenario parser compiles it to
// refuse a bad one at validation; the output selector (analysis/) compiles it again to read a record.
#include <optional>
#include <regex>
#include <string>
#include <string_view>

#include "common/units.hpp"

namespace lab {

// What one line gives: nothing (no match), a number, or the text the group captured when it is not one.
struct CapturedNumber {
    bool matched = false;
    std::optional<double> number;
    std::string text;  // what the group captured
};

class CapturePattern {
public:
    // Lines are searched on their first kLineBytes only: libstdc++'s matcher recurses once per character,
    // and a line of megabytes would overflow the stack.
    static constexpr std::size_t kLineBytes = 4096;

    // A pattern that does not compile, or has not exactly one capture group, is a ParseError saying so.
    static Parsed<CapturePattern> compile(const std::string& pattern);

    // The first match in the line; a captured number may have a sign, decimals and an exponent
    // ("-3", "0.25", "1e6"); a group that matched nothing or other text gives no number.
    CapturedNumber search(std::string_view line) const;

private:
    explicit CapturePattern(std::regex re) : re_(std::move(re)) {}
    std::regex re_;
};

}  // namespace lab
