#include "lab/cluster/shard_census.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace lab::cluster {

ShardCensus shard_census(const std::vector<FoundShard>& found) {
    ShardCensus census;
    if (found.empty()) return census;
    int count = 0;
    for (const auto& f : found) count = std::max(count, f.shard.count);
    std::map<int, std::vector<std::string>> where;
    for (const auto& f : found) {
        if (f.shard.count != count)
            census.other_split.push_back(fmt::format("{}: shard {}/{} of another split (the others are of {}); its records "
                                                     "still count",
                                                 f.dir, f.shard.index, f.shard.count, count));
        else
            where[f.shard.index].push_back(f.dir);
    }
    for (int i = 0; i < count; ++i) {
        auto it = where.find(i);
        if (it == where.end())
            census.missing.push_back(
                fmt::format("shard {}/{}: no directory holds it (its task never started, or wrote elsewhere)", i, count));
        else if (it->second.size() > 1)
            census.doubled.push_back(fmt::format("shard {}/{}: {} directories hold it ({}); the first record of each run is used",
                                                 i, count, it->second.size(), fmt::join(it->second, ", ")));
    }
    return census;
}

}  // namespace lab::cluster
