#include "analysis/summary_table.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "analysis/number_text.hpp"
#include "analysis/timeline_lateness.hpp"
#include "common/printable.hpp"

namespace lab::analysis {

SummaryRow summary_row(const record::RunRecord& r, const std::vector<record::Verdict>& verdicts) {
    const std::vector<LateStep> late = late_steps(r, verdicts);
    SummaryRow row;
    row.scenario = r.scenario.name;
    row.counts = count_verdicts(verdicts);
    row.outcome = record::to_string(r.run.outcome);
    row.wall_seconds = r.run.wall_seconds;
    for (const LateStep& step : late) {
        if (!step.guard_failed.empty() && row.failed_guard.empty()) row.failed_guard = step.timing.step;
        row.late_s = std::max(row.late_s, step.late_s);
    }
    return row;
}

std::string summary_table(const std::vector<SummaryRow>& rows, std::size_t width) {
    std::vector<TableColumn> columns = {
        {"scenario", 0}, {"passed", 12}, {"failed", 6}, {"outcome", 24}, {"wall time", 10}};
    std::vector<TableRow> cells;
    VerdictCounts total;
    double wall = 0;
    std::map<std::string, int> outcomes;
    std::size_t late = 0;
    for (const SummaryRow& row : rows) {
        // A blank rather than 0 makes the failing lines stand out in a long catalogue.
        cells.push_back(TableRow{{printable(row.scenario), fmt::format("{}/{}", row.counts.passed, row.counts.total),
                                  row.counts.failed ? std::to_string(row.counts.failed) : "",
                                  !row.failed_guard.empty() ? fmt::format("{}, guard failed", row.outcome)
                                  : row.late_s > 0          ? fmt::format("{}, {} late", row.outcome, seconds_text(row.late_s))
                                                            : row.outcome,
                                  seconds_text(row.wall_seconds)},
                                 {}});
        total += row.counts;
        wall += row.wall_seconds;
        ++outcomes[row.outcome];
        late += row.late_s > 0 || !row.failed_guard.empty();
    }
    std::string out = render_text_table(columns, cells, width);
    std::string ends;
    for (const auto& [outcome, n] : outcomes) ends += fmt::format("{}{} {}", ends.empty() ? "" : ", ", n, outcome);
    out += fmt::format("\ntotal: {} scenario{}, {}", rows.size(), rows.size() == 1 ? "" : "s", counts_text(total));
    if (!ends.empty()) out += fmt::format("; runs: {}", ends);
    if (late > 0)
        out += fmt::format(" ({} fell behind their timeline: the machine was too busy; see their timeline line)", late);
    // Runs may have gone in parallel, so this is the work done, not the time waited.
    out += fmt::format("; wall time summed {}\n", seconds_text(wall));
    return out;
}

}  // namespace lab::analysis
