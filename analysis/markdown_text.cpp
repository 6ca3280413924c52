#include "analysis/markdown_text.hpp"

#include <cctype>

namespace lab::analysis {
namespace {

bool word_byte(char c) {
    auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) || u >= 0x80;  // UTF-8 letters count as word characters
}

}  // namespace

std::string markdown_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
            out += ' ';
            continue;
        }
        if (c == '_') {
            bool inside_word = i > 0 && i + 1 < text.size() && word_byte(text[i - 1]) && word_byte(text[i + 1]);
            if (!inside_word) out += '\\';
        } else if (std::string_view("\\|*`<>[]~&#").find(c) != std::string_view::npos) {
            out += '\\';
        }
        out += c;
    }
    return out;
}

}  // namespace lab::analysis
