#include "lab/cli/diagnostic_json.hpp"

#include <regex>

namespace lab::cli {

nlohmann::json diagnostic_json(const std::string& text) {
    // The location is the first ":LINE:COLUMN: " of the text; the file name before it may hold colons.
    static const std::regex located(R"(^(.+?):(\d+):(\d+): ([\s\S]*)$)");
    std::smatch m;
    if (std::regex_match(text, m, located))
        return {{"file", m[1].str()},
                {"line", std::stoul(m[2].str())},
                {"column", std::stoul(m[3].str())},
                {"message", m[4].str()},
                {"text", text}};
    return {{"message", text}, {"text", text}};
}

nlohmann::json diagnostics_json(const std::vector<std::string>& texts) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& t : texts) out.push_back(diagnostic_json(t));
    return out;
}

}  // namespace lab::cli
