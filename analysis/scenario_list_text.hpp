#pragma once
// `lab list` as text. One line per scenario — name, source, summary — and, on a terminal, each line cut
// to the terminal's width with "…", so a catalogue of long summaries stays one screen line per scenario
// (as `ip -br link`, `ss` and `ctest -N` show one row per object); a source wider than 30 columns is cut
// there too. Written to a pipe or a file the lines
// are whole, so grep and scripts see every word. `--long` shows each summary in full, wrapped and
// indented under its scenario's name.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace lab::analysis {

struct ScenarioListRow {
    std::string name;     // for a file that does not parse: the file
    std::string source;   // "seed 001, 2.6.26", or "INVALID"
    std::string summary;  // for a file that does not parse: its first diagnostic
};

// `width`: the terminal's columns, or nullopt for no cutting.
std::string scenario_list_text(const std::vector<ScenarioListRow>& rows, std::optional<std::size_t> width);

// Each scenario as a heading line (name and source) and its summary wrapped at `width` columns, indented
// by four; a blank line between scenarios.
std::string scenario_list_long_text(const std::vector<ScenarioListRow>& rows, std::size_t width);

}  // namespace lab::analysis
