#include "common/capture_pattern.hpp"

#include <charconv>

#include <re2/re2.h>

namespace lab {

struct CapturePattern::Compiled {
    Compiled(const std::string& pattern, const re2::RE2::Options& options) : re(pattern, options) {}
    re2::RE2 re;
};

namespace {

re2::RE2::Options options() {
    re2::RE2::Options o;
    // Bytes, as the program printed them: a line that is not UTF-8 is still read, '.' is one byte, and
    // non-ASCII text in the pattern matches its own bytes. It also keeps the programs small: in UTF-8
    // mode '.' alone is 14 instructions and \pL 1199.
    o.set_encoding(re2::RE2::Options::EncodingLatin1);
    o.set_max_mem(CapturePattern::kMemoryBytes);
    o.set_log_errors(false);  // the error goes back to the caller, with the scenario's file:line:column
    return o;
}

// RE2's message, and what the user can do about it when the message alone does not say.
std::string compile_problem(const re2::RE2& re) {
    std::string why = "does not compile: " + re.error();
    switch (re.error_code()) {
        case re2::RE2::ErrorBadEscape:
        case re2::RE2::ErrorBadPerlOp:
            return why + " (RE2 syntax: no backreferences or lookaround)";
        case re2::RE2::ErrorRepeatSize:
            return why + " (a count is at most 1000, and nested counts multiply to at most 1000)";
        case re2::RE2::ErrorPatternTooLarge:
            return "needs more than " + std::to_string(CapturePattern::kMemoryBytes >> 10) +
                   " KiB to compile; write it smaller";
        default:
            return why;
    }
}

}  // namespace

Parsed<CapturePattern> CapturePattern::compile(const std::string& pattern) {
    if (pattern.size() > kPatternBytes)
        return ParseError{"is " + std::to_string(pattern.size()) + " bytes long; at most " + std::to_string(kPatternBytes)};
    auto compiled = std::make_shared<Compiled>(pattern, options());
    const re2::RE2& re = compiled->re;
    if (!re.ok()) return ParseError{compile_problem(re)};
    if (re.ProgramSize() > kInstructions)
        return ParseError{"compiles to " + std::to_string(re.ProgramSize()) + " RE2 instructions; at most " +
                          std::to_string(kInstructions) + " (the work per byte of output grows with them; x{N} counts " +
                          "as N copies of x)"};
    if (re.NumberOfCapturingGroups() != 1)
        return ParseError{"needs exactly one capture group, (...), around the number; it has " +
                          std::to_string(re.NumberOfCapturingGroups()) +
                          " (write (?:...) for a group that captures nothing)"};
    return CapturePattern(std::move(compiled));
}

CapturedNumber CapturePattern::search(std::string_view line) const {
    re2::StringPiece groups[2];  // the whole match, and the one capture group
    CapturedNumber out;
    if (!re_->re.Match(re2::StringPiece(line.data(), line.size()), 0, line.size(), re2::RE2::UNANCHORED, groups, 2))
        return out;
    out.matched = true;
    out.text.assign(groups[1].data() ? groups[1].data() : "", groups[1].size());
    const char* first = out.text.data();
    const char* last = first + out.text.size();
    if (first != last && *first == '+') ++first;  // from_chars takes '-' but not '+'
    double value = 0;
    auto [end, ec] = std::from_chars(first, last, value);
    if (ec == std::errc() && end == last && first != last) out.number = value;
    return out;
}

}  // namespace lab
