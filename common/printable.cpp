#include "common/printable.hpp"

#include <algorithm>

namespace lab {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_hex(std::string& out, const char* prefix, unsigned value, int digits) {
    out += prefix;
    for (int d = digits - 1; d >= 0; --d) out += kHex[(value >> (4 * d)) & 0xf];
}

void append_control(std::string& out, unsigned char c) {
    switch (c) {
        case '\a': out += "\\a"; return;
        case '\b': out += "\\b"; return;
        case '\t': out += "\\t"; return;
        case '\n': out += "\\n"; return;
        case '\v': out += "\\v"; return;
        case '\f': out += "\\f"; return;
        case '\r': out += "\\r"; return;
        default: append_hex(out, "\\x", c, 2);
    }
}

bool is_continuation(std::string_view text, std::size_t at) {
    return at < text.size() && (static_cast<unsigned char>(text[at]) & 0xc0) == 0x80;
}

// Bytes in the UTF-8 sequence that starts at `at`, or 0 when none does (a stray continuation byte, a
// lead byte UTF-8 never uses, or a sequence cut short).
std::size_t sequence_length(std::string_view text, std::size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    std::size_t length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3
                       : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    for (std::size_t k = 1; k < length; ++k)
        if (!is_continuation(text, at + k)) return 0;
    return length;
}

}  // namespace

std::string printable(std::string_view text, LineBreaks line_breaks) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if (c == '\n' && line_breaks == LineBreaks::Keep) out += '\n';
            else if (c < 0x20 || c == 0x7f) append_control(out, c);
            else out += static_cast<char>(c);
            ++i;
            continue;
        }
        const std::size_t length = sequence_length(text, i);
        if (length == 0) {
            append_hex(out, "\\x", c, 2);
            ++i;
            continue;
        }
        const auto second = static_cast<unsigned char>(text[i + 1]);
        if (c == 0xc2 && second < 0xa0) {
            append_hex(out, "\\u", second, 4);  // U+0080..U+009F are 0xC2 0x80..0x9F
        } else {
            out.append(text.substr(i, length));
        }
        i += length;
    }
    return out;
}

std::string shortened(std::string_view text, std::size_t whole_up_to, std::size_t head) {
    if (text.size() <= whole_up_to) return std::string(text);
    std::size_t cut = std::min(head, text.size());
    while (cut > 0 && cut < text.size() && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return std::string(text.substr(0, cut)) + "...";
}

}  // namespace lab
