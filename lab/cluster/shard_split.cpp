#include "lab/cluster/shard_split.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace lab::cluster {

std::vector<int> split_into_shards(const std::vector<ShardRun>& runs, int count) {
    if (count < 1) throw std::invalid_argument("split_into_shards: the shard count must be at least 1");
    // The placing order is a total order over what every task knows alike, so that each task, computing
    // the split on its own, agrees with all the others.
    std::vector<std::size_t> order(runs.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        const ShardRun& x = runs[a];
        const ShardRun& y = runs[b];
        if (x.estimated_seconds != y.estimated_seconds) return x.estimated_seconds > y.estimated_seconds;
        if (x.cell_id != y.cell_id) return x.cell_id < y.cell_id;
        return x.repeat < y.repeat;
    });
    std::vector<double> load(static_cast<std::size_t>(count), 0.0);
    std::vector<int> shard_of(runs.size(), 0);
    for (std::size_t i : order) {
        // The least loaded shard; of equals the lowest index.
        const auto lightest = std::min_element(load.begin(), load.end());
        shard_of[i] = static_cast<int>(lightest - load.begin());
        *lightest += std::max(runs[i].estimated_seconds, 0.0);
    }
    return shard_of;
}

}  // namespace lab::cluster
