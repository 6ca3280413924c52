#include "analysis/text_width.hpp"

#include <algorithm>
#include <cstdint>

namespace lab::analysis {
namespace {

struct CodePoint {
    char32_t value;
    std::size_t bytes;
};

// Decodes the code point at the front of `s`; a malformed sequence yields its first byte alone.
CodePoint decode(std::string_view s) {
    auto b = [&](std::size_t i) { return static_cast<std::uint8_t>(s[i]); };
    std::uint8_t lead = b(0);
    std::size_t len = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || len > s.size()) return {0xFFFD, 1};
    if (len == 1) return {lead, 1};
    char32_t cp = lead & (0x7F >> len);
    for (std::size_t i = 1; i < len; ++i) {
        if ((b(i) & 0xC0) != 0x80) return {0xFFFD, 1};
        cp = (cp << 6) | (b(i) & 0x3F);
    }
    return {cp, len};
}

struct Range {
    char32_t lo, hi;
};

bool in_ranges(char32_t cp, std::initializer_list<Range> ranges) {
    return std::any_of(ranges.begin(), ranges.end(), [&](Range r) { return cp >= r.lo && cp <= r.hi; });
}

// A short table, not all of Unicode's: enough for what reports contain (maths signs, dashes, arrows,
// accents, the odd CJK name or emoji). Anything unlisted takes one column.
int columns(char32_t cp) {
    if (cp < 0x20 || cp == 0x7F) return 0;
    if (in_ranges(cp, {{0x0300, 0x036F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},
                       {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
                       {0xE0100, 0xE01EF}}))
        return 0;
    if (in_ranges(cp, {{0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF},
                       {0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xAC00, 0xD7A3}, {0xF900, 0xFAFF},
                       {0xFE30, 0xFE4F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F},
                       {0x1F900, 0x1F9FF}, {0x20000, 0x3FFFD}}))
        return 2;
    return 1;
}

// Splits a word wider than a line into pieces of at most `width` columns, at code point boundaries.
void break_word(std::string_view word, std::size_t width, std::vector<std::string>& lines, std::string& current,
                std::size_t& used) {
    while (!word.empty()) {
        CodePoint cp = decode(word);
        std::size_t w = static_cast<std::size_t>(columns(cp.value));
        if (used + w > width && used > 0) {
            lines.push_back(std::move(current));
            current.clear();
            used = 0;
        }
        current.append(word.substr(0, cp.bytes));
        used += w;
        word.remove_prefix(cp.bytes);
    }
}

}  // namespace

std::size_t display_width(std::string_view s) {
    std::size_t w = 0;
    while (!s.empty()) {
        CodePoint cp = decode(s);
        w += static_cast<std::size_t>(columns(cp.value));
        s.remove_prefix(cp.bytes);
    }
    return w;
}

std::vector<std::string> wrap(std::string_view text, std::size_t width) {
    width = std::max<std::size_t>(width, 1);
    std::vector<std::string> lines;
    std::string current;
    std::size_t used = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        if (text[pos] == ' ' || text[pos] == '\n') {
            if (text[pos] == '\n') {
                lines.push_back(std::move(current));
                current.clear();
                used = 0;
            }
            ++pos;
            continue;
        }
        std::size_t end = text.find_first_of(" \n", pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view word = text.substr(pos, end - pos);
        std::size_t w = display_width(word);
        std::size_t need = used == 0 ? w : used + 1 + w;
        if (need <= width) {
            if (used > 0) current += ' ';
            current.append(word);
            used = need;
        } else if (w <= width) {
            lines.push_back(std::move(current));
            current.assign(word);
            used = w;
        } else {
            if (used > 0) {
                // Start the long word on the current line rather than leave a short line behind it.
                if (used + 1 < width) {
                    current += ' ';
                    ++used;
                } else {
                    lines.push_back(std::move(current));
                    current.clear();
                    used = 0;
                }
            }
            break_word(word, width, lines, current, used);
        }
        pos = end;
    }
    lines.push_back(std::move(current));
    return lines;
}

std::string pad_right(std::string_view text, std::size_t width) {
    std::string out(text);
    std::size_t w = display_width(text);
    if (w < width) out.append(width - w, ' ');
    return out;
}

}  // namespace lab::analysis
