// What `lab sweep merge` makes of shards' records, through the code a local sweep uses (gather_sweep)
// after order_for_merge: a shard whose task died leaves its cells missing, by name; a shard played again
// into another directory duplicates runs, the completed record winning over the failed first attempt;
// the hosts and kernels of every node are kept.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "../analysis/sweep_records.hpp"
#include "analysis/merge_order.hpp"
#include "analysis/sweep.hpp"

namespace lab::analysis {
namespace {

using ::testing::ElementsAre;
using test::backlog_by_cookies;
using test::full_grid;
using test::stored;

// The 6 cells × 2 repeats of the test grid as two shards wrote them: cells with backlog 16 or 64 on node-a
// (kernel 6.1), those with backlog 256 on node-b (kernel 6.18).
std::vector<StoredRecord> two_shards() {
    auto records = full_grid(backlog_by_cookies(), 2);
    for (auto& r : records) {
        const bool b = r.record.sweep->values[0].text == "256";
        r.record.run.hostname = b ? "node-b" : "node-a";
        r.record.run.kernel = b ? "6.18.44" : "6.1.0-27-amd64";
        r.source = std::string(b ? "shard-1/runs/" : "shard-0/runs/") + r.record.run.id + "/record.json";
    }
    return records;
}

TEST(MergedShards, AShardThatNeverRanLeavesItsCellsMissingByName) {
    auto records = two_shards();
    std::erase_if(records, [](const StoredRecord& r) { return r.source.starts_with("shard-1/"); });
    order_for_merge(records);
    const Sweep s = gather_sweep(records);
    std::vector<std::string> missing;
    for (const auto* c : s.missing_cells()) missing.push_back(c->name);
    EXPECT_THAT(missing, ElementsAre("backlog=256, tcp_syncookies=0", "backlog=256, tcp_syncookies=1"));
    EXPECT_EQ(s.run_count(), 8u);
    EXPECT_THAT(s.hostnames, ElementsAre("node-a"));
}

TEST(MergedShards, KeepsEveryNodesHostAndKernel) {
    auto records = two_shards();
    order_for_merge(records);
    const Sweep s = gather_sweep(records);
    EXPECT_TRUE(s.missing_cells().empty());
    EXPECT_TRUE(s.duplicates.empty());
    EXPECT_EQ(s.run_count(), 12u);
    EXPECT_THAT(s.hostnames, ElementsAre("node-a", "node-b"));
    EXPECT_THAT(s.kernels, ElementsAre("6.1.0-27-amd64", "6.18.44"));
}

TEST(MergedShards, AShardPlayedAgainKeepsTheCompletedRunAndNamesTheDuplicate) {
    auto records = two_shards();
    // The first attempt of shard 1 errored in this run; the shard was submitted again into shard-1b/.
    StoredRecord& first = stored(records, {"256", "0"}, 1);
    first.record.run.outcome = record::RunOutcome::Error;
    StoredRecord again = first;
    again.record.run.outcome = record::RunOutcome::Completed;
    again.source = "shard-1b/runs/" + again.record.run.id + "/record.json";
    test::set_metric(again.record, "accept_queue", 257);
    records.push_back(again);
    // Whatever order the file system listed them in.
    std::shuffle(records.begin(), records.end(), std::mt19937(3));
    order_for_merge(records);
    const Sweep s = gather_sweep(records);
    ASSERT_EQ(s.duplicates.size(), 1u);
    EXPECT_THAT(s.duplicates[0], ::testing::StartsWith("shard-1/runs/run-256-0-r1/record.json: cell backlog=256, "
                                                       "tcp_syncookies=0 repeat 1 again (kept shard-1b/"));
    const SweepCell& cell = s.cell_at({2, 0});
    ASSERT_EQ(cell.runs.size(), 2u);
    EXPECT_EQ(cell.runs[1].record.run.outcome, record::RunOutcome::Completed);
    EXPECT_EQ(*cell.runs[1].record.metric_values[0].value, 257);
    EXPECT_EQ(s.run_count(), 12u);
}

TEST(MergedShards, OrderIsByPathAmongEquals) {
    auto records = two_shards();
    std::reverse(records.begin(), records.end());
    order_for_merge(records);
    EXPECT_TRUE(std::is_sorted(records.begin(), records.end(),
                               [](const StoredRecord& a, const StoredRecord& b) { return a.source < b.source; }));
}

}  // namespace
}  // namespace lab::analysis
