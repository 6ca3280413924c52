#include "analysis/metric_pivot_table.hpp"

#include <fmt/format.h>

#include "analysis/cell_verdicts.hpp"
#include "analysis/metric_spread.hpp"

namespace lab::analysis {

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
        for (std::size_t r = 0; r < rows.values.size(); ++r) {
            PivotRow row;
            row.label = rows.values[r];
            for (std::size_t c = 0; c < columns; ++c) {
                const SweepCell& cell = pivot_cell(s, layout, slice, r, c);
                PivotEntry entry;
                if (cell.runs.empty()) {
                    entry.text = "missing";
                    entry.missing = true;
                } else {
                    CellMetric m = cell_metric(cell, metric.id);
                    entry.text = spread_text(m.spread);
                    entry.marks = cell_marks(cell_verdicts(cell));
                    for (const auto& problem : m.problems) t.notes.push_back(fmt::format("{}, {}", cell.name, problem));
                }
                row.entries.push_back(std::move(entry));
            }
            t.rows.push_back(std::move(row));
        }
        tables.push_back(std::move(t));
    }
    return tables;
}

}  // namespace lab::analysis
