#include "analysis/metric_pivot_table.hpp"

#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "analysis/cell_verdicts.hpp"
#include "analysis/metric_spread.hpp"

namespace lab::analysis {
namespace {

// Why repeats have no value, one line per reason with the cells it holds in: a metric that only some
// cells can have (a time to reset where nothing is reset) would otherwise list every run of the others.
class MissingValues {
public:
    // `problem` is "repeat N: why", as cell_metric words it.
    void add(const std::string& cell, const std::string& problem) {
        const auto colon = problem.find(": ");
        const std::string repeat = colon == std::string::npos ? "" : problem.substr(0, colon);
        const std::string why = colon == std::string::npos ? problem : problem.substr(colon + 2);
        auto& cells = by_reason_[why];
        if (cells.empty()) order_.push_back(why);
        if (cells.empty() || cells.back().first != cell) cells.push_back({cell, {}});
        cells.back().second.push_back(repeat);
    }

    std::vector<std::string> notes() const {
        constexpr std::size_t kCellsNamed = 6;
        std::vector<std::string> out;
        for (const auto& why : order_) {
            const auto& cells = by_reason_.at(why);
            if (cells.size() == 1 && cells.front().second.size() == 1) {
                out.push_back(fmt::format("{}, {}: {}", cells.front().first, cells.front().second.front(), why));
                continue;
            }
            std::size_t runs = 0;
            std::string named;
            for (std::size_t k = 0; k < cells.size(); ++k) {
                runs += cells[k].second.size();
                if (k < kCellsNamed) named += (named.empty() ? "" : "; ") + cells[k].first;
            }
            if (cells.size() > kCellsNamed) named += fmt::format("; and {} more", cells.size() - kCellsNamed);
            out.push_back(fmt::format("{} (in {} run{} of {} cell{}: {})", why, runs, runs == 1 ? "" : "s", cells.size(),
                                      cells.size() == 1 ? "" : "s", named));
        }
        return out;
    }

private:
    std::map<std::string, std::vector<std::pair<std::string, std::vector<std::string>>>> by_reason_;
    std::vector<std::string> order_;
};

}  // namespace


std::string metric_heading(const record::Metric& m) {
    std::string out = m.id;
    if (!m.description.empty() && m.description != m.id) out += " — " + m.description;
    if (!m.unit.empty()) out += fmt::format(" ({})", m.unit);
    return out;
}

std::vector<PivotTable> metric_pivot_tables(const Sweep& s, const PivotLayout& layout, const record::Metric& metric) {
    std::vector<PivotTable> tables;
    for (const auto& slice : layout.slices) {
        PivotTable t;
        t.title = slice.title;
        t.documented = metric.documented;
        const SweepAxis& rows = s.axes[layout.rows];
        t.row_variable = rows.name;
        std::size_t columns = 1;
        if (layout.columns) {
            const SweepAxis& cols = s.axes[*layout.columns];
            t.column_variable = cols.name;
            t.headers = cols.values;
            columns = cols.values.size();
        } else {
            t.headers = {metric.id};
        }
        MissingValues missing;
        for (std::size_t r = 0; r < rows.values.size(); ++r) {
            PivotRow row;
            row.label = rows.values[r];
            for (std::size_t c = 0; c < columns; ++c) {
                const SweepCell& cell = pivot_cell(s, layout, slice, r, c);
                PivotEntry entry;
                if (cell.runs.empty() && !cell.in_grid) {
                    entry.text = "·";
                } else if (cell.runs.empty()) {
                    entry.text = "missing";
                    entry.missing = true;
                } else {
                    CellMetric m = cell_metric(cell, metric.id);
                    entry.text = spread_text(m.spread);
                    entry.marks = cell_marks(cell_verdicts(cell));
                    for (const auto& problem : m.problems) missing.add(cell.name, problem);
                }
                row.entries.push_back(std::move(entry));
            }
            t.rows.push_back(std::move(row));
        }
        t.notes = missing.notes();
        tables.push_back(std::move(t));
    }
    return tables;
}

}  // namespace lab::analysis
