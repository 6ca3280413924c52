#include "lab/agents/even_shares.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using lab::agent::even_shares;
using ::testing::ElementsAre;

std::vector<std::size_t> shares(std::vector<std::size_t> limits, std::size_t n) { return even_shares(limits, n); }

TEST(EvenShares, SplitsEvenlyAndGivesTheRemainderToTheFirst) {
    EXPECT_THAT(shares({100, 100}, 150), ElementsAre(75, 75));
    EXPECT_THAT(shares({100, 100, 100}, 7), ElementsAre(3, 2, 2));
    EXPECT_THAT(shares({10, 10}, 0), ElementsAre(0, 0));
}

TEST(EvenShares, AFullEntryLeavesItsShareToTheOthers) {
    // A stop of 90 over loops holding 5 and 100: the first closes all it has, the second the rest.
    EXPECT_THAT(shares({5, 100}, 90), ElementsAre(5, 85));
    EXPECT_THAT(shares({0, 3, 50}, 20), ElementsAre(0, 3, 17));
    EXPECT_THAT(shares({2, 2, 2, 100}, 10), ElementsAre(2, 2, 2, 4));
}

TEST(EvenShares, NeverMoreThanTheLimitsHold) {
    EXPECT_THAT(shares({120, 130}, 500), ElementsAre(120, 130));
    EXPECT_THAT(shares({}, 5), ElementsAre());
    EXPECT_THAT(shares({0, 0}, 5), ElementsAre(0, 0));
}

}  // namespace
