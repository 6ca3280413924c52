// The merge's view of the shards: which no directory holds, which two do.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lab/cluster/shard_census.hpp"

namespace lab::cluster {
namespace {

using ::testing::ElementsAre;

TEST(ShardCensus, AllShardsOnceIsQuiet) {
    const ShardCensus c = shard_census({{"/s/shard-1", {1, 3}}, {"/s/shard-0", {0, 3}}, {"/s/shard-2", {2, 3}}});
    EXPECT_TRUE(c.missing.empty());
    EXPECT_TRUE(c.doubled.empty());
    EXPECT_TRUE(c.other_split.empty());
}

TEST(ShardCensus, NamesMissingAndDoubledShards) {
    const ShardCensus c = shard_census(
        {{"/s/shard-0", {0, 4}}, {"/s/shard-1", {1, 4}}, {"/s/again/shard-1", {1, 4}}, {"/s/shard-3", {3, 4}}});
    EXPECT_THAT(c.missing, ElementsAre("shard 2/4: no directory holds it (its task never started, or wrote elsewhere)"));
    EXPECT_THAT(c.doubled,
                ElementsAre("shard 1/4: 2 directories hold it (/s/shard-1, /s/again/shard-1); the first record of each run is used"));
}

TEST(ShardCensus, ADirectoryOfAnotherSplitIsNamedNotCounted) {
    const ShardCensus c = shard_census({{"/s/shard-0", {0, 2}}, {"/s/shard-1", {1, 2}}, {"/old/shard-0", {0, 1}}});
    EXPECT_TRUE(c.missing.empty());
    EXPECT_THAT(c.other_split, ElementsAre("/old/shard-0: shard 0/1 of another split (the others are of 2); its records still count"));
}

TEST(ShardCensus, NothingFoundSaysNothing) { EXPECT_TRUE(shard_census({}).missing.empty()); }

}  // namespace
}  // namespace lab::cluster
