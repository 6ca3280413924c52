#include "common/successor_cycles.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

using Next = std::vector<std::optional<std::size_t>>;

// successor_cycles over a table, counting how often it asks for a successor.
struct Counted {
    Next next;
    std::size_t asked = 0;
    std::vector<std::vector<std::size_t>> cycles() {
        return lab::successor_cycles(next.size(), [this](std::size_t i) {
            ++asked;
            return next[i];
        });
    }
};

TEST(SuccessorCycles, ChainsWithoutCyclesHaveNone) {
    Counted g{{1, 2, std::nullopt, 2, std::nullopt}};
    EXPECT_THAT(g.cycles(), IsEmpty());
}

TEST(SuccessorCycles, EachCycleOnceStartingAtItsLowestItem) {
    // 0 → 3 → 4 → 0 is a cycle; 1 → 3 leads into it; 2 → 2 names itself; 5 → 6 → 5.
    Counted g{{3, 3, 2, 4, 0, 6, 5}};
    EXPECT_THAT(g.cycles(), ElementsAre(ElementsAre(0, 3, 4), ElementsAre(2), ElementsAre(5, 6)));
}

TEST(SuccessorCycles, CycleEnteredFromAboveStartsAtItsLowestItem) {
    Counted g{{1, 2, 3, 1}};  // 0 leads into 1 → 2 → 3 → 1
    EXPECT_THAT(g.cycles(), ElementsAre(ElementsAre(1, 2, 3)));
}

TEST(SuccessorCycles, OutOfRangeSuccessorEndsTheChain) {
    Counted g{{7, 0}};
    EXPECT_THAT(g.cycles(), IsEmpty());
}

// The work is linear: every item's successor is asked for exactly once, however the chains run.
// Following each chain from each of its items would ask n(n+1)/2 times here.
TEST(SuccessorCycles, AsksForEachSuccessorOnceOnALongChain) {
    constexpr std::size_t n = 50'000;
    Counted chain;
    for (std::size_t i = 0; i < n; ++i) chain.next.push_back(i + 1 < n ? std::optional(i + 1) : std::nullopt);
    EXPECT_THAT(chain.cycles(), IsEmpty());
    EXPECT_EQ(chain.asked, n);

    Counted ring;  // the same chain closed into one big cycle, entered from its far end first
    for (std::size_t i = 0; i < n; ++i) ring.next.push_back(i == 0 ? n - 1 : i - 1);
    auto cycles = ring.cycles();
    ASSERT_EQ(cycles.size(), 1u);
    EXPECT_EQ(cycles[0].size(), n);
    EXPECT_EQ(cycles[0].front(), 0u);
    EXPECT_EQ(cycles[0][1], n - 1);
    EXPECT_EQ(ring.asked, n);
}

}  // namespace
