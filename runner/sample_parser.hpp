#pragma once
// The scenario's `sample = { every, hosts, detail, counters }` table ([sample]): which hosts are read into a
// time series, how often, and whether their sockets are counted.
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "runner/scenario.hpp"
#include "runner/toml_reader.hpp"

namespace lab::runner {

// Shortest period: a counts-level dump of a few thousand sockets takes a millisecond or two, of a
// million about half a second; 100 ms keeps a sampled run's own load small.
inline constexpr Duration kMinSampleEvery = std::chrono::milliseconds(100);

// The counters every sample reads as rates per second (more with `counters = [...]`).
std::span<const std::string_view> default_sampled_counters();

std::optional<SampleSpec> parse_sample(const toml::table& root, TomlReader& reader, const std::vector<HostSpec>& hosts);

}  // namespace lab::runner
