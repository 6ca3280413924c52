#include "analysis/merge_order.hpp"

#include <algorithm>

namespace lab::analysis {
namespace {

bool cut_short(const record::RunRecord& r) {
    return r.run.outcome == record::RunOutcome::Interrupted || r.run.outcome == record::RunOutcome::Error;
}

}  // namespace

void order_for_merge(std::vector<StoredRecord>& records) {
    std::stable_sort(records.begin(), records.end(), [](const StoredRecord& x, const StoredRecord& y) {
        if (cut_short(x.record) != cut_short(y.record)) return !cut_short(x.record);
        return x.source < y.source;
    });
}

}  // namespace lab::analysis
