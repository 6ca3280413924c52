#pragma once
// The order in which `lab sweep merge` hands the shards' records to gather_sweep, which keeps the first of
// two records of one run: a run that completed (or reached its time limit) before one that errored or was
// interrupted, so that a shard played again after a failure wins over its failed first attempt; and
// otherwise by source path, so that the merged tables do not depend on the order a file system lists.
#include <vector>

#include "analysis/sweep.hpp"

namespace lab::analysis {

void order_for_merge(std::vector<StoredRecord>& records);

}  // namespace lab::analysis
