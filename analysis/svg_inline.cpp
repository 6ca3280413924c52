#include "analysis/svg_inline.hpp"

#include <set>

#include "analysis/xml_text.hpp"

namespace lab::analysis {
namespace {

bool id_char(char c) { return c != '\'' && c != '"' && c != ')' && c != ' ' && c != '>' && c != '<'; }

// Every value of an id="..." or id='...' attribute.
std::set<std::string, std::less<>> ids_in(std::string_view svg) {
    std::set<std::string, std::less<>> ids;
    for (std::size_t at = svg.find("id="); at != std::string_view::npos; at = svg.find("id=", at + 3)) {
        bool attribute = at > 0 && (svg[at - 1] == ' ' || svg[at - 1] == '\t' || svg[at - 1] == '\n');
        if (!attribute || at + 3 >= svg.size() || (svg[at + 3] != '"' && svg[at + 3] != '\'')) continue;
        char quote = svg[at + 3];
        std::size_t end = svg.find(quote, at + 4);
        if (end != std::string_view::npos) ids.emplace(svg.substr(at + 4, end - at - 4));
    }
    return ids;
}

}  // namespace

std::string inline_svg(std::string_view svg, std::string_view id_prefix, std::string_view title) {
    std::size_t root = svg.find("<svg");
    if (root == std::string_view::npos) return "";
    svg.remove_prefix(root);
    auto ids = ids_in(svg);

    std::string out;
    out.reserve(svg.size() + 1024);
    bool in_tag = false;
    for (std::size_t i = 0; i < svg.size(); ++i) {
        char c = svg[i];
        if (c == '<') in_tag = true;
        else if (c == '>') in_tag = false;
        // Inside a tag: id="X" and references #X (href='#X', url(#X)) to a known id get the prefix.
        bool id_value = in_tag && (c == '"' || c == '\'') && i >= 4 && svg.substr(i - 3, 3) == "id=" &&
                        (svg[i - 4] == ' ' || svg[i - 4] == '\t' || svg[i - 4] == '\n');
        if (in_tag && (c == '#' || id_value)) {
            std::size_t end = i + 1;
            while (end < svg.size() && id_char(svg[end])) ++end;
            if (ids.count(svg.substr(i + 1, end - i - 1))) {
                out += c;
                out += id_prefix;
                continue;
            }
        }
        out += c;
    }

    // The root's <title> (gnuplot writes the terminal's name there) is what a browser shows on hover.
    std::size_t open = out.find("<title>"), first_child = out.find("<g");
    if (open != std::string::npos && (first_child == std::string::npos || open < first_child)) {
        std::size_t close = out.find("</title>", open);
        if (close != std::string::npos) out.replace(open + 7, close - open - 7, xml_escape(title));
    }
    return out;
}

}  // namespace lab::analysis
