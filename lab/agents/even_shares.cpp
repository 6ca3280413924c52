#include "lab/agents/even_shares.hpp"

#include <algorithm>
#include <numeric>

namespace lab::agent {

std::vector<std::size_t> even_shares(std::span<const std::size_t> limits, std::size_t n) {
    std::vector<std::size_t> shares(limits.size(), 0);
    std::size_t left = std::min(n, std::accumulate(limits.begin(), limits.end(), std::size_t{0}));
    // Each round gives every entry with room an equal part of what is left (the first ones one more when
    // it does not divide); it ends within limits.size() rounds, since a round either gives all that is left
    // or fills at least one entry.
    while (left > 0) {
        std::size_t open = 0;
        for (std::size_t i = 0; i < limits.size(); ++i) open += shares[i] < limits[i];
        const std::size_t part = left / open, extra = left % open;
        std::size_t k = 0;
        for (std::size_t i = 0; i < limits.size(); ++i) {
            if (shares[i] >= limits[i]) continue;
            const std::size_t give = std::min(limits[i] - shares[i], part + (k++ < extra ? 1 : 0));
            shares[i] += give;
            left -= give;
        }
    }
    return shares;
}

}  // namespace lab::agent
