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

constexpr std::size_t kSourceColumnsOnATerminal = 30;

}  // namespace

std::string scenario_list_text(const std::vector<ScenarioListRow>& rows, std::optional<std::size_t> width) {
    std::size_t name_w = display_width("scenario"), source_w = display_width("source");
    for (const auto& r : rows) name_w = std::max(name_w, display_width(r.name)), source_w = std::max(source_w, display_width(r.source));
    // On a terminal one long source ("seed 003, Linux, 2013 (H2O, ...)") must not push every summary off
    // the screen: the column is capped and such a source cut.
    if (width) source_w = std::min(source_w, kSourceColumnsOnATerminal);
    auto line = [&](const std::string& name, const std::string& source, const std::string& summary) {
        const std::string shown_source = width ? cut(source, source_w) : source;
        const std::string prefix = pad_right(name, name_w) + "  " + pad_right(shown_source, source_w) + "  ";
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
        // A heading wider than the screen (a long source) continues on lines indented by two.
        const std::string heading = r.source.empty() ? r.name : fmt::format("{}  ({})", r.name, r.source);
        const std::vector<std::string> heading_lines =
            display_width(heading) <= width ? std::vector<std::string>{heading} : wrap(heading, std::max<std::size_t>(width, 22) - 2);
        for (std::size_t k = 0; k < heading_lines.size(); ++k) out += (k ? "  " : "") + heading_lines[k] + "\n";
        for (const auto& l : wrap(one_paragraph(r.summary), text_width))
            out += trailing_spaces_removed(std::string(kIndent, ' ') + l) + "\n";
    }
    return out;
}

}  // namespace lab::analysis
