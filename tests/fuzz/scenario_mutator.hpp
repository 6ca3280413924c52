#pragma once
// Mutated scenario files for fuzzing the parser: a catalogue file with one to four mutations applied
// (byte flips, truncation, duplicated or removed lines, values swapped between keys, huge and negative
// numbers, deep nesting, long strings, control characters and ANSI escapes in names, Unicode,
// ${...} references, same_as chains and cycles, many hosts and links, wrong types for keys). The same
// corpus, seed and index always give the same text, so a failing file can be made again from its name.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lab::fuzz {

struct CorpusFile {
    std::string name;  // shown in reports: "scenarios/backlog-30-netcat.toml"
    std::string text;
};

struct Mutant {
    std::string text;
    std::string base;                         // the corpus file it started from
    std::vector<std::string_view> mutations;  // the names of the mutations applied, in order
};

class ScenarioMutator {
public:
    explicit ScenarioMutator(std::vector<CorpusFile> corpus);

    Mutant make(std::uint64_t seed, std::uint64_t index) const;

    // Every mutation's name, in a fixed order (for the per-mutation counts of a report).
    static std::vector<std::string_view> mutation_names();

private:
    std::vector<CorpusFile> corpus_;
};

}  // namespace lab::fuzz
