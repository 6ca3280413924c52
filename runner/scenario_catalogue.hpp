#pragma once
// Where a scenario named without a path is found (`lab run backlog-30-netcat`, `lab list`): the
// catalogue directories, searched in order.
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

namespace lab::runner {

// The catalogue directories, in search order, whether they exist or not: `scenarios` in the working
// directory (a checkout, as always), then `../share/lab/scenarios` from the directory of `executable`.
// The second is worked out from where the program is, not from a prefix fixed at build time, so an
// installed tree finds its own catalogue wherever it was unpacked (`dpkg -x`, a relocated /opt tree),
// and a build tree finds the checkout's (the build links build/share/lab/scenarios to it).
std::vector<std::filesystem::path> catalogue_directories(const std::filesystem::path& executable);

// Whether a command-line argument is a scenario's name rather than a path: it holds no '/'.
bool is_scenario_name(std::string_view argument);

// The file NAME stands for: NAME.toml (or NAME, if it already ends in .toml) in the first directory of
// `directories` that holds one, in it or below it (scenarios/sweeps/). Nothing if no directory holds it.
// Throws std::runtime_error naming both files when one directory holds two of that name.
std::optional<std::filesystem::path> find_catalogue_scenario(std::string_view name,
                                                             const std::vector<std::filesystem::path>& directories);

}  // namespace lab::runner
