#include "runner/substitution.hpp"

#include <stdexcept>

namespace lab::runner {
std::vector<TextPiece> split_references(std::string_view text) {
    std::vector<TextPiece> pieces;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, 3, "$${") == 0) {
            pieces.push_back({TextPiece::Kind::Escape, text.substr(i, 3), {}, i});
            i += 3;
            continue;
        }
        if (text.compare(i, 2, "${") == 0) {
            std::size_t close = text.find('}', i + 2);
            if (close == std::string_view::npos)
                throw std::invalid_argument("unterminated '${' at character " + std::to_string(i + 1));
            std::string_view name = text.substr(i + 2, close - i - 2);
            if (name.empty()) throw std::invalid_argument("empty '${}' at character " + std::to_string(i + 1));
            pieces.push_back({TextPiece::Kind::Reference, text.substr(i, close + 1 - i), name, i});
            i = close + 1;
            continue;
        }
        std::size_t next = text.find('$', i + 1);
        if (next == std::string_view::npos) next = text.size();
        pieces.push_back({TextPiece::Kind::Plain, text.substr(i, next - i), {}, i});
        i = next;
    }
    return pieces;
}

std::vector<Reference> find_references(std::string_view text) {
    std::vector<Reference> refs;
    for (const auto& p : split_references(text))
        if (p.kind == TextPiece::Kind::Reference) refs.push_back({std::string(p.name), p.offset});
    return refs;
}

std::string substitute(std::string_view text, const std::map<std::string, std::string>& variables) {
    std::string out;
    for (const auto& p : split_references(text)) {
        if (p.kind == TextPiece::Kind::Plain) {
            out += p.text;
        } else if (p.kind == TextPiece::Kind::Escape) {
            out += "${";
        } else {
            auto it = variables.find(std::string(p.name));
            if (it == variables.end()) throw std::invalid_argument("unknown variable '${" + std::string(p.name) + "}'");
            out += it->second;
        }
    }
    return out;
}

}  // namespace lab::runner
