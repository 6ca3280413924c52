#pragma once
// A regular expression that reads one number from a line a program printed ("Failed requests:\s+(\d+)",
// "connect_ok=(\d+)"): RE2 syntax, matched byte by byte, exactly one capture group. The scenario parser
// compiles it to refuse a bad one at validation; the output selector (analysis/) compiles it again to read
// a record. RE2 matches in time linear in the line and without recursion: no pattern can hang or crash the
// judging, which libstdc++'s backtracking std::regex did (issue 25).
#include <cstdint>
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
    // What a pattern may cost. Its length bounds the parsing. The instructions of the compiled program
    // bound the work per byte searched: RE2's matcher may step each of them at every byte, so that at 500
    // the costliest pattern found reads 1 MiB of output in about 4 s, where a realistic one (under 100
    // instructions) takes milliseconds. The memory bounds compiling and the matcher's caches.
    static constexpr std::size_t kPatternBytes = 1024;
    static constexpr int kInstructions = 500;
    static constexpr std::int64_t kMemoryBytes = 1 << 20;

    // A pattern that does not compile, costs more than the bounds above, or has not exactly one capture
    // group, is a ParseError saying so.
    static Parsed<CapturePattern> compile(const std::string& pattern);

    // The first match in the line (read whole); a captured number may have a sign, decimals and an
    // exponent ("-3", "0.25", "1e6"); a group that matched nothing or other text gives no number.
    CapturedNumber search(std::string_view line) const;

private:
    struct Compiled;  // the re2::RE2, kept out of this header (see capture_pattern.cpp)
    explicit CapturePattern(std::shared_ptr<const Compiled> re) : re_(std::move(re)) {}
    std::shared_ptr<const Compiled> re_;
};

}  // namespace lab
