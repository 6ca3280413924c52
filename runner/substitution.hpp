#pragma once
// ${...} references in process command lines: "${hosts.server.addr}", "${hosts.client.netns}", "${run.dir}".
// The parser checks every reference against the scenario before anything runs; the runner fills them in
// once the plan knows addresses and names. "$${" writes a literal "${".
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace lab::runner {

struct Reference {
    std::string name;      // "hosts.server.addr"
    std::size_t offset = 0;  // where "${" starts in the text
};

// A text cut at its references: plain runs, escapes ("$${", a literal "${") and ${name} references, in
// order. Both kinds of substitution (the plan's, sweep_substitution.hpp's) walk it.
struct TextPiece {
    enum class Kind { Plain, Escape, Reference } kind = Kind::Plain;
    std::string_view text;  // as written: "abc", "$${", "${hosts.a.addr}"
    std::string_view name;  // Reference: "hosts.a.addr"
    std::size_t offset = 0;
};

// Throws std::invalid_argument naming the character where an unterminated or empty "${" starts.
std::vector<TextPiece> split_references(std::string_view text);

// Every reference in text; throws std::invalid_argument naming the offset of an unterminated "${".
std::vector<Reference> find_references(std::string_view text);

// Replaces each reference by its value; throws std::invalid_argument naming an unknown variable.
std::string substitute(std::string_view text, const std::map<std::string, std::string>& variables);

}  // namespace lab::runner
