#include "analysis/scenario_list_text.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "analysis/text_width.hpp"

namespace lab::analysis {
namespace {

// A summary written over several TOML lines is one paragraph on screen.
std::string one_paragraph(std::string text) {
    std::replace_if(text.begin(), text.end(), [](char c) { return c == '\n' || c == '\t' || c == '\r'; }, ' ');
    return text;
}

std::string trailing_spaces_removed(std::string text) {
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text;
}

// The first `width` columns of a paragraph, cut at a space where there is one, "…" marking the cut.
std::string cut(const std::string& paragraph, std::size_t width) {
    if (display_width(paragraph) <= width) return paragraph;
    if (width < 2) return "";
    return wrap(paragraph, width - 1).front() + "…";
}

}  // namespace

std::string scenario_list_text(const std::vector<ScenarioListRow>& rows, std::optional<std::size_t> width) {
    std::size_t name_w = display_width("scenario"), source_w = display_width("source");
    for (const auto& r : rows) name_w = std::max(name_w, display_width(r.name)), source_w = std::max(source_w, display_width(r.source));
    auto line = [&](const std::string& name, const std::string& source, const std::string& summary) {
        const std::string prefix = pad_right(name, name_w) + "  " + pad_right(source, source_w) + "  ";
        const std::size_t prefix_w = display_width(prefix);
        std::string text = one_paragraph(summary);
        if (width) text = *width > prefix_w ? cut(text, *width - prefix_w) : "";
        return trailing_spaces_removed(prefix + text) + "\n";
    };
    std::string out = line("scenario", "source", "summary");
    for (const auto& r : rows) out += line(r.name, r.source, r.summary);
    return out;
}

std::string scenario_list_long_text(const std::vector<ScenarioListRow>& rows, std::size_t width) {
    constexpr std::size_t kIndent = 4;
    const std::size_t text_width = width > kIndent + 20 ? width - kIndent : 20;
    std::string out;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& r = rows[i];
        if (i) out += "\n";
        out += r.source.empty() ? r.name + "\n" : fmt::format("{}  ({})\n", r.name, r.source);
        for (const auto& l : wrap(one_paragraph(r.summary), text_width))
            out += trailing_spaces_removed(std::string(kIndent, ' ') + l) + "\n";
    }
    return out;
}

}  // namespace lab::analysis
