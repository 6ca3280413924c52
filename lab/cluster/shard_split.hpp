#pragma once
// How a sweep's runs (cells × repeats) fall into shards: every run in exactly one shard, the same split on
// every machine and in every task (it depends only on the cells' ids, their estimated times, the repeats
// and the shard count — not on the grid's order, a seed or the host), and shards of about equal length:
// the longest runs are placed first, each on the shard with the least estimated time so far.
#include <string>
#include <vector>

namespace lab::cluster {

struct ShardRun {
    std::string cell_id;
    int repeat = 0;
    double estimated_seconds = 0;
};

// Per run (in the order given), the shard it belongs to, 0..count-1. count ≥ 1.
std::vector<int> split_into_shards(const std::vector<ShardRun>& runs, int count);

}  // namespace lab::cluster
