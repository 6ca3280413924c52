#pragma once
// Reading a rendered text in a test: its lines, and how often a piece occurs in it.
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

namespace lab::test {

inline std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// Occurrences of `needle` in `text`, overlapping ones included.
inline std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

}  // namespace lab::test
