#pragma once
// Items that each name at most one next item (an expectation's same_as): the cycles among them.
// Linear: each item's successor is asked for once, where following the chain from every item is
// quadratic in a long chain (validating 8000 same_as links that way took 12 s).
#include <cstddef>
#include <functional>
#include <optional>
#include <vector>

namespace lab {

// next(i) is the item that item i names, or nullopt when it names none (or a name that does not exist).
// Every cycle once, its items in chain order, starting with its lowest index.
std::vector<std::vector<std::size_t>> successor_cycles(
    std::size_t count, const std::function<std::optional<std::size_t>(std::size_t)>& next);

}  // namespace lab
