#include "runner/substitution.hpp"

#include <stdexcept>

namespace lab::runner {
namespace {

// Walks text once, calling on_literal for plain runs and on_reference for each ${name}.
template <typename Literal, typename Ref>
void scan(std::string_view text, Literal&& on_literal, Ref&& on_reference) {
    std::size_t i = 0;
    while (i < text.size()) {
        if (text.compare(i, 3, "$${") == 0) {
            on_literal(std::string_view("${"));
            i += 3;
            continue;
        }
        if (text.compare(i, 2, "${") == 0) {
            std::size_t close = text.find('}', i + 2);
            if (close == std::string_view::npos)
                throw std::invalid_argument("unterminated '${' at character " + std::to_string(i + 1));
            std::string_view name = text.substr(i + 2, close - i - 2);
            if (name.empty()) throw std::invalid_argument("empty '${}' at character " + std::to_string(i + 1));
            on_reference(name, i);
            i = close + 1;
            continue;
        }
        std::size_t next = text.find('$', i + 1);
        if (next == std::string_view::npos) next = text.size();
        on_literal(text.substr(i, next - i));
        i = next;
    }
}

}  // namespace

std::vector<Reference> find_references(std::string_view text) {
    std::vector<Reference> refs;
    scan(text, [](std::string_view) {},
         [&](std::string_view name, std::size_t at) { refs.push_back({std::string(name), at}); });
    return refs;
}

std::string substitute(std::string_view text, const std::map<std::string, std::string>& variables) {
    std::string out;
    scan(text, [&](std::string_view lit) { out += lit; },
         [&](std::string_view name, std::size_t) {
             auto it = variables.find(std::string(name));
             if (it == variables.end()) throw std::invalid_argument("unknown variable '${" + std::string(name) + "}'");
             out += it->second;
         });
    return out;
}

}  // namespace lab::runner
