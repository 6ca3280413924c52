#include "common/capture_pattern.hpp"

// GCC 12 with -fsanitize=address,undefined warns -Wmaybe-uninitialized inside libstdc++'s regex
// compiler (a std::function member of a temporary NFA state it has just built): a false positive in the
// library's code, not ours. This file is the only one that instantiates std::regex.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <charconv>
#include <regex>

namespace lab {

struct CapturePattern::Compiled {
    std::regex re;
};

namespace {

// libstdc++ builds a counted repetition x{N} as N copies of x, and nested ones multiply: a pattern such as
// (a{1000}){1000} would take gigabytes to compile. The product of every bound in the pattern is capped.
std::optional<unsigned long> repetition_product_over(const std::string& pattern, unsigned long cap) {
    unsigned long product = 1;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '\\') {
            ++i;
            continue;
        }
        if (pattern[i] != '{') continue;
        unsigned long bound = 0;
        bool digits = false;
        for (std::size_t j = i + 1; j < pattern.size() && pattern[j] != '}'; ++j) {
            if (pattern[j] >= '0' && pattern[j] <= '9') {
                digits = true;
                bound = std::min<unsigned long>(bound * 10 + static_cast<unsigned long>(pattern[j] - '0'), cap + 1);
            } else if (pattern[j] != ',') {
                digits = false;
                break;
            }
        }
        if (!digits) continue;
        product = std::min(product * std::max<unsigned long>(bound, 1), cap + 1);
        if (product > cap) return product;
    }
    return std::nullopt;
}

}  // namespace

Parsed<CapturePattern> CapturePattern::compile(const std::string& pattern) {
    if (pattern.size() > kPatternBytes)
        return ParseError{"is " + std::to_string(pattern.size()) + " bytes long; at most " + std::to_string(kPatternBytes)};
    if (repetition_product_over(pattern, kRepetitions))
        return ParseError{"repeats too much: its counted repetitions ({N}, {M,N}) multiply to more than " +
                          std::to_string(kRepetitions)};
    auto compiled = std::make_shared<Compiled>();
    try {
        compiled->re = std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        return ParseError{"does not compile: " + std::string(e.what())};
    }
    if (compiled->re.mark_count() != 1)
        return ParseError{"needs exactly one capture group, (...), around the number; it has " +
                          std::to_string(compiled->re.mark_count()) + " (write (?:...) for a group that captures nothing)"};
    return CapturePattern(std::move(compiled));
}

CapturedNumber CapturePattern::search(std::string_view line) const {
    if (line.size() > kLineBytes) line = line.substr(0, kLineBytes);
    std::match_results<std::string_view::const_iterator> m;
    CapturedNumber out;
    if (!std::regex_search(line.begin(), line.end(), m, re_->re)) return out;
    out.matched = true;
    out.text = m[1].str();
    const char* first = out.text.data();
    const char* last = first + out.text.size();
    if (first != last && *first == '+') ++first;  // from_chars takes '-' but not '+'
    double value = 0;
    auto [end, ec] = std::from_chars(first, last, value);
    if (ec == std::errc() && end == last && first != last) out.number = value;
    return out;
}

}  // namespace lab
