#include "common/capture_pattern.hpp"

#include <charconv>

namespace lab {

Parsed<CapturePattern> CapturePattern::compile(const std::string& pattern) {
    std::regex re;
    try {
        re = std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        return ParseError{"does not compile: " + std::string(e.what())};
    }
    if (re.mark_count() != 1)
        return ParseError{"needs exactly one capture group, (...), around the number; it has " +
                          std::to_string(re.mark_count()) + " (write (?:...) for a group that captures nothing)"};
    return CapturePattern(std::move(re));
}

CapturedNumber CapturePattern::search(std::string_view line) const {
    if (line.size() > kLineBytes) line = line.substr(0, kLineBytes);
    std::match_results<std::string_view::const_iterator> m;
    CapturedNumber out;
    if (!std::regex_search(line.begin(), line.end(), m, re_)) return out;
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
