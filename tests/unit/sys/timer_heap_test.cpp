#include "sys/timer_heap.hpp"

#include <gtest/gtest.h>

namespace {

TEST(TimerHeap, PopsDueEntriesEarliestFirst) {
    lab::sys::TimerHeap heap;
    EXPECT_FALSE(heap.next_due().has_value());
    heap.schedule(300, 3, 1);
    heap.schedule(100, 1, 7);
    heap.schedule(200, 2, 1);
    EXPECT_EQ(heap.next_due(), 100);
    EXPECT_FALSE(heap.pop_due(99).has_value());
    auto first = heap.pop_due(250);
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(first->key, 1u);
    EXPECT_EQ(first->generation, 7u);
    auto second = heap.pop_due(250);
    ASSERT_TRUE(second.has_value());
    EXPECT_EQ(second->key, 2u);
    EXPECT_FALSE(heap.pop_due(250).has_value());
    EXPECT_EQ(heap.size(), 1u);
    EXPECT_EQ(heap.next_due(), 300);
}

}  // namespace
