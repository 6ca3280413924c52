#pragma once
// How lab-client --ping splits a count over its epoll loops: the first connections, a start command over
// the loops' free slots, a stop command over what each loop holds.
#include <cstddef>
#include <span>
#include <vector>

namespace lab::agent {

// Splits min(n, sum of limits) into one share per limit: as even as the limits allow, a share never above
// its limit, and what a full one cannot take goes to the others. Earlier entries take the remainder.
std::vector<std::size_t> even_shares(std::span<const std::size_t> limits, std::size_t n);

}  // namespace lab::agent
