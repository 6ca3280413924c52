#include "lab/cli/diagnostic_json.hpp"

#include <cctype>
#include <optional>
#include <string_view>

namespace lab::cli {
namespace {

// Digits at `pos` up to `end`, as a number; nullopt when there are none (or too many to be a line).
std::optional<unsigned long> digits_at(std::string_view text, std::size_t pos, std::size_t& end) {
    end = pos;
    while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
    if (end == pos || end - pos > 9) return std::nullopt;
    return std::stoul(std::string(text.substr(pos, end - pos)));
}

}  // namespace

nlohmann::json diagnostic_json(const std::string& text) {
    // The location is the first ":LINE:COLUMN: " of the text; the file name before it may hold colons.
    for (std::size_t colon = text.find(':'); colon != std::string::npos; colon = text.find(':', colon + 1)) {
        std::size_t after_line = 0, after_column = 0;
        auto line = digits_at(text, colon + 1, after_line);
        if (!line || after_line >= text.size() || text[after_line] != ':') continue;
        auto column = digits_at(text, after_line + 1, after_column);
        if (!column || text.compare(after_column, 2, ": ") != 0 || colon == 0) continue;
        return {{"file", text.substr(0, colon)},
                {"line", *line},
                {"column", *column},
                {"message", text.substr(after_column + 2)},
                {"text", text}};
    }
    return {{"message", text}, {"text", text}};
}

nlohmann::json diagnostics_json(const std::vector<std::string>& texts) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& t : texts) out.push_back(diagnostic_json(t));
    return out;
}

}  // namespace lab::cli
