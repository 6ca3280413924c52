// The split of a sweep's runs into shards: every run in exactly one shard, the same split whatever the
// order the runs are listed in, and shards of about equal estimated time.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include <fmt/format.h>

#include "lab/cluster/shard_split.hpp"

namespace lab::cluster {
namespace {

// 7 cells of different lengths × 3 repeats.
std::vector<ShardRun> uneven_sweep() {
    std::vector<ShardRun> runs;
    const double seconds[] = {3, 11, 5, 5, 2.5, 30, 7};
    for (int c = 0; c < 7; ++c)
        for (int r = 0; r < 3; ++r) runs.push_back({fmt::format("cell{:02}", c), r, seconds[c]});
    return runs;
}

std::map<std::pair<std::string, int>, int> by_run(const std::vector<ShardRun>& runs, const std::vector<int>& shard) {
    std::map<std::pair<std::string, int>, int> out;
    for (std::size_t i = 0; i < runs.size(); ++i) out[{runs[i].cell_id, runs[i].repeat}] = shard[i];
    return out;
}

TEST(ShardSplit, EveryRunFallsInExactlyOneShardInRange) {
    const auto runs = uneven_sweep();
    for (int count : {1, 2, 3, 4, 21}) {
        const std::vector<int> shard = split_into_shards(runs, count);
        ASSERT_EQ(shard.size(), runs.size());
        std::multiset<std::pair<std::string, int>> seen;
        std::vector<int> per_shard(static_cast<std::size_t>(count), 0);
        for (std::size_t i = 0; i < runs.size(); ++i) {
            ASSERT_GE(shard[i], 0);
            ASSERT_LT(shard[i], count);
            ++per_shard[static_cast<std::size_t>(shard[i])];
            seen.insert({runs[i].cell_id, runs[i].repeat});
        }
        EXPECT_EQ(seen.size(), 21u);
        for (const auto& key : seen) EXPECT_EQ(seen.count(key), 1u) << key.first << " #" << key.second;
        // As many shards as runs: one run each, none idle.
        if (count == 21) {
            EXPECT_TRUE(std::all_of(per_shard.begin(), per_shard.end(), [](int n) { return n == 1; }));
        }
    }
}

TEST(ShardSplit, DoesNotDependOnTheOrderTheRunsAreListedIn) {
    auto runs = uneven_sweep();
    const auto reference = by_run(runs, split_into_shards(runs, 4));
    std::mt19937 rng(7);
    for (int trial = 0; trial < 5; ++trial) {
        std::shuffle(runs.begin(), runs.end(), rng);
        EXPECT_EQ(by_run(runs, split_into_shards(runs, 4)), reference);
    }
}

TEST(ShardSplit, BalancesEstimatedTimeWithinTheLongestRun) {
    const auto runs = uneven_sweep();
    for (int count : {2, 3, 4, 5}) {
        const std::vector<int> shard = split_into_shards(runs, count);
        std::vector<double> load(static_cast<std::size_t>(count), 0);
        for (std::size_t i = 0; i < runs.size(); ++i) load[static_cast<std::size_t>(shard[i])] += runs[i].estimated_seconds;
        const auto [lightest, heaviest] = std::minmax_element(load.begin(), load.end());
        // Longest first onto the lightest shard: no shard exceeds another by more than one run's time.
        EXPECT_LE(*heaviest - *lightest, 30.0) << count << " shards";
        EXPECT_GT(*lightest, 0.0) << count << " shards";
    }
    // Two shards of 21 runs summing to 190.5 s: the greedy split gives 94.5 s and 96 s.
    const std::vector<int> two = split_into_shards(runs, 2);
    double first = 0;
    for (std::size_t i = 0; i < runs.size(); ++i)
        if (two[i] == 0) first += runs[i].estimated_seconds;
    EXPECT_DOUBLE_EQ(first, 94.5);
}

TEST(ShardSplit, EqualRunsGoRoundRobinByCellIdThenRepeat) {
    std::vector<ShardRun> runs{{"b", 0, 4}, {"a", 1, 4}, {"a", 0, 4}, {"b", 1, 4}};
    // Placed in the order a#0, a#1, b#0, b#1 onto shards 0, 1, 0, 1.
    EXPECT_EQ(split_into_shards(runs, 2), (std::vector<int>{0, 1, 0, 1}));
}

TEST(ShardSplit, RefusesZeroShards) { EXPECT_THROW(split_into_shards(uneven_sweep(), 0), std::invalid_argument); }

}  // namespace
}  // namespace lab::cluster
