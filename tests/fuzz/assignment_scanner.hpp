#pragma once
// Where the `key = value` pairs of a TOML text are, found by a forgiving scanner rather than a TOML
// parser: the fuzzer must find them in text that is already broken, and it only needs spans to cut,
// swap and replace. Strings (basic, literal, multi-line), comments, and nested [ ] / { } are skipped
// over, so a value's span is the whole array or inline table, and pairs inside inline tables are
// found too.
#include <cstddef>
#include <string_view>
#include <vector>

namespace lab::fuzz {

struct Span {
    std::size_t begin = 0;
    std::size_t end = 0;  // one past the last character
    std::size_t size() const { return end - begin; }
};

struct Assignment {
    Span key;    // as written: `name`, `"net.ipv4.tcp_syncookies"`, `source.doc`
    Span value;  // as written: `"srv"`, `42`, `[1, 2]`, `{ a = 1 }`
};

// In text order. A pair whose value runs off the end of the text ends at the end.
std::vector<Assignment> scan_assignments(std::string_view text);

// The basic and literal strings (quotes included), wherever they are: values, array items, keys.
std::vector<Span> scan_strings(std::string_view text);

}  // namespace lab::fuzz
