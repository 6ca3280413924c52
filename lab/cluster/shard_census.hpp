#pragma once
// Which shards of a sweep the merge found, from the sweep.json of each shard directory: those no directory
// holds (their task never started, or wrote elsewhere) and those two directories hold (a task submitted
// again into another directory). Named before any table, since a missing shard is many missing cells.
#include <string>
#include <vector>

#include "lab/cluster/shard.hpp"

namespace lab::cluster {

struct FoundShard {
    std::string dir;
    Shard shard;
};

struct ShardCensus {
    std::vector<std::string> missing;      // shards no directory holds: their cells are missing
    std::vector<std::string> doubled;      // shards two directories hold: their runs are duplicated
    std::vector<std::string> other_split;  // directories of a split into another count (an earlier submission)
};

// The split's count is the largest any directory declares.
ShardCensus shard_census(const std::vector<FoundShard>& found);

}  // namespace lab::cluster
