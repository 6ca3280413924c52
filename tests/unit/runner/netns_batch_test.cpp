// How many threads a batch of namespaces gets: pure arithmetic, no kernel state touched.
#include "runner/netns_batch.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

namespace {

using lab::runner::kNetnsRemovalThreads;
using lab::runner::netns_batch_threads;

TEST(NetnsBatchThreads, OnePerCpuAtMostOnePerJobAndAtLeastOne) {
    const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
    EXPECT_EQ(netns_batch_threads(0), 1u);
    EXPECT_EQ(netns_batch_threads(1), 1u);
    EXPECT_EQ(netns_batch_threads(1000), cpus);
    EXPECT_EQ(netns_batch_threads(2), std::min(2u, cpus));
}

TEST(NetnsBatchThreads, RemovalUsesMoreThreadsThanATwoCpuMachineHas) {
    // Removal waits for RCU grace periods rather than computing, so its threads outnumber CPUs.
    EXPECT_EQ(kNetnsRemovalThreads, 8u);
}

}  // namespace
