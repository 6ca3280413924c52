#include "common/successor_cycles.hpp"

#include <algorithm>

namespace lab {

std::vector<std::vector<std::size_t>> successor_cycles(
    std::size_t count, const std::function<std::optional<std::size_t>(std::size_t)>& next) {
    enum class Mark : unsigned char { Unseen, OnWalk, Done };
    std::vector<Mark> mark(count, Mark::Unseen);
    std::vector<std::size_t> position(count);  // of an OnWalk item in `walk`
    std::vector<std::vector<std::size_t>> cycles;
    std::vector<std::size_t> walk;
    for (std::size_t start = 0; start < count; ++start) {
        if (mark[start] != Mark::Unseen) continue;
        // Follow the chain until it ends, reaches an item an earlier walk settled, or meets itself.
        walk.clear();
        std::optional<std::size_t> at = start;
        while (at && *at < count && mark[*at] == Mark::Unseen) {
            mark[*at] = Mark::OnWalk;
            position[*at] = walk.size();
            walk.push_back(*at);
            at = next(*at);
        }
        if (at && *at < count && mark[*at] == Mark::OnWalk) {
            std::vector<std::size_t> cycle(walk.begin() + static_cast<std::ptrdiff_t>(position[*at]), walk.end());
            std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
            cycles.push_back(std::move(cycle));
        }
        for (std::size_t item : walk) mark[item] = Mark::Done;
    }
    return cycles;
}

}  // namespace lab
