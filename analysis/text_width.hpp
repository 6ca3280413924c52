#pragma once
// Terminal columns taken by UTF-8 text. Tables align on columns, not bytes: "≥" is three bytes and
// one column, a CJK ideograph two, a combining accent none.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lab::analysis {

// Invalid UTF-8 counts one column per stray byte, so a damaged string still lines up roughly.
std::size_t display_width(std::string_view utf8);

// Breaks `text` into lines of at most `width` columns, at spaces where it can, and inside a word only
// when the word alone is wider than a line. Never returns an empty vector (an empty text is one "" line).
std::vector<std::string> wrap(std::string_view text, std::size_t width);

// Appends spaces up to `width` columns; text already that wide is returned unchanged.
std::string pad_right(std::string_view text, std::size_t width);

}  // namespace lab::analysis
