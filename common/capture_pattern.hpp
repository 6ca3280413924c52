#pragma once
// A regular expression that reads one number from a line a program printed ("Failed requests:\s+(\d+)",
// "connect_ok=(\d+)"): ECMAScript syntax, exactly one capture group. The scenario parser compiles it to
// refuse a bad one at validation; the output selector (analysis/) compiles it again to read a record.
#include <memory>
#include <optional>
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
    // What compiling may cost: the pattern's length, and the product of its {N} and {M,N} bounds.
    static constexpr std::size_t kPatternBytes = 1024;
    static constexpr unsigned long kRepetitions = 10000;

    // A pattern that does not compile, or has not exactly one capture group, is a ParseError saying so.
    static Parsed<CapturePattern> compile(const std::string& pattern);

    // The first match in the line; a captured number may have a sign, decimals and an exponent
    // ("-3", "0.25", "1e6"); a group that matched nothing or other text gives no number.
    CapturedNumber search(std::string_view line) const;

private:
    struct Compiled;  // the std::regex, kept out of this header (see capture_pattern.cpp)
    explicit CapturePattern(std::shared_ptr<const Compiled> re) : re_(std::move(re)) {}
    std::shared_ptr<const Compiled> re_;
};

}  // namespace lab
