#pragma once
// lab-client's --bind: one source address, a list ("198.18.0.2,198.18.0.3"), or an IPv4 range
// ("198.18.0.2-198.18.0.5"). Connections take them round-robin, which is how one client host gets
// more than one ephemeral port range's worth of connections to the same server.
#include <vector>
#include <string_view>

#include "common/units.hpp"
#include "lab/agents/endpoint.hpp"

namespace lab::agent {

// A range this long is already far past what any scenario binds; longer ones are typos.
inline constexpr std::size_t max_source_addresses = 65536;

Parsed<std::vector<Endpoint>> parse_source_addresses(std::string_view text);

}  // namespace lab::agent
