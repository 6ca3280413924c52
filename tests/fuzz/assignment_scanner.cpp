#include "tests/fuzz/assignment_scanner.hpp"

namespace lab::fuzz {
namespace {

bool starts_triple(std::string_view text, std::size_t i, char quote) {
    return i + 2 < text.size() && text[i] == quote && text[i + 1] == quote && text[i + 2] == quote;
}

// The end of the string that starts at `i` (text[i] is a quote): one past its closing quote, or the
// end of the text (or of the line, for a one-line string) when it is not closed.
std::size_t string_end(std::string_view text, std::size_t i) {
    const char quote = text[i];
    const bool escapes = quote == '"';
    if (starts_triple(text, i, quote)) {
        for (std::size_t j = i + 3; j < text.size(); ++j) {
            if (escapes && text[j] == '\\') {
                ++j;
                continue;
            }
            if (starts_triple(text, j, quote)) return j + 3;
        }
        return text.size();
    }
    for (std::size_t j = i + 1; j < text.size(); ++j) {
        if (text[j] == '\n') return j;
        if (escapes && text[j] == '\\') {
            ++j;
            continue;
        }
        if (text[j] == quote) return j + 1;
    }
    return text.size();
}

std::size_t line_end(std::string_view text, std::size_t i) {
    const std::size_t nl = text.find('\n', i);
    return nl == std::string_view::npos ? text.size() : nl;
}

// One past the end of the value that starts at `i`.
std::size_t value_end(std::string_view text, std::size_t i) {
    if (i >= text.size()) return i;
    const char c = text[i];
    if (c == '"' || c == '\'') return string_end(text, i);
    if (c == '[' || c == '{') {
        int depth = 0;
        for (std::size_t j = i; j < text.size(); ++j) {
            const char d = text[j];
            if (d == '"' || d == '\'') {
                j = string_end(text, j) - 1;
            } else if (d == '#') {
                j = line_end(text, j) - 1;
            } else if (d == '[' || d == '{') {
                ++depth;
            } else if (d == ']' || d == '}') {
                if (--depth == 0) return j + 1;
            }
        }
        return text.size();
    }
    std::size_t j = i;
    while (j < text.size() && text[j] != ',' && text[j] != '}' && text[j] != ']' && text[j] != '\n' &&
           text[j] != '#')
        ++j;
    while (j > i && (text[j - 1] == ' ' || text[j - 1] == '\t' || text[j - 1] == '\r')) --j;
    return j;
}

bool bare_key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
           c == '.';
}

// The key that ends right before `eq` (text[eq] == '='), or an empty span.
Span key_before(std::string_view text, std::size_t eq) {
    std::size_t end = eq;
    while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
    std::size_t begin = end;
    while (begin > 0) {
        const char c = text[begin - 1];
        if (bare_key_char(c)) {
            --begin;
        } else if (c == '"' || c == '\'') {
            if (begin < 2) break;
            const std::size_t open = text.rfind(c, begin - 2);
            if (open == std::string_view::npos) break;
            begin = open;
        } else {
            break;
        }
    }
    return {begin, end};
}

}  // namespace

std::vector<Assignment> scan_assignments(std::string_view text) {
    std::vector<Assignment> found;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"' || c == '\'') {
            i = string_end(text, i) - 1;
        } else if (c == '#') {
            i = line_end(text, i) - 1;
        } else if (c == '=') {
            std::size_t v = i + 1;
            while (v < text.size() && (text[v] == ' ' || text[v] == '\t')) ++v;
            const Span key = key_before(text, i);
            const Span value{v, value_end(text, v)};
            if (key.size() > 0 && value.size() > 0) found.push_back({key, value});
            // Go on inside arrays and inline tables: their pairs are assignments too.
            if (v < text.size() && (text[v] == '"' || text[v] == '\'')) i = value.end - 1;
        }
    }
    return found;
}

std::vector<Span> scan_strings(std::string_view text) {
    std::vector<Span> found;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '#') {
            i = line_end(text, i) - 1;
        } else if (c == '"' || c == '\'') {
            const std::size_t end = string_end(text, i);
            found.push_back({i, end});
            i = end - 1;
        }
    }
    return found;
}

}  // namespace lab::fuzz
