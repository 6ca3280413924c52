#pragma once
// Splitting the compact "a;b:c" and "k=v,k=v" forms that agent and wire options use, and joining
// lines of messages back into one text.
#include <string>
#include <string_view>
#include <vector>

namespace lab {

// Without leading and trailing spaces and tabs.
std::string_view trim(std::string_view s);

// Every field between separators, empty ones included, each trimmed: "a; b;" → {"a", "b", ""}.
std::vector<std::string_view> split_trimmed(std::string_view text, char separator);

// The parts with `separator` between them (not after the last): {"a", "b"}, "\n" → "a\nb".
std::string join(const std::vector<std::string>& parts, std::string_view separator);

}  // namespace lab
