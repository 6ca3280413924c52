#include "analysis/plot_spec.hpp"

#include <cctype>

#include <fmt/format.h>

#include "analysis/metric_spread.hpp"
#include "analysis/sweep_pivot.hpp"

namespace lab::analysis {
std::string file_safe(std::string_view text) {
    std::string out;
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        bool keep = std::isalnum(u) || c == '.' || c == '-' || c == '_';
        if (keep) out += c;
        else if (!out.empty() && out.back() != '_') out += '_';
    }
    while (!out.empty() && (out.back() == '_' || out.back() == '.')) out.pop_back();
    while (!out.empty() && out.front() == '.') out.erase(out.begin());  // no hidden files
    return out.substr(0, 80);
}

std::vector<PlotSpec> sweep_plot_specs(const Sweep& s) {
    std::vector<PlotSpec> specs;
    PivotLayout layout = pivot_layout(s);
    if (s.axes.empty()) return specs;
    const SweepAxis& rows = s.axes[layout.rows];
    PlotAxis x = plot_axis(rows);
    for (const auto& metric : s.metrics) {
        for (const auto& slice : layout.slices) {
            PlotSpec p;
            std::size_t number = specs.size() + 1;
            p.name = fmt::format("lab_plot_{}", number);
            std::string stem = metric.id + (slice.title.empty() ? "" : "-" + slice.title);
            p.file_stem = fmt::format("{:02}-{}", number, file_safe(stem));
            p.metric_id = metric.id;
            p.slice = slice.title;
            p.title = metric.id;
            if (!metric.description.empty() && metric.description != metric.id) p.title += " — " + metric.description;
            if (!slice.title.empty()) p.title += fmt::format(" [{}]", slice.title);
            p.y_label = metric.unit.empty() ? "count" : metric.unit;
            p.x = x;
            std::size_t columns = layout.columns ? s.axes[*layout.columns].values.size() : 1;
            p.key = layout.columns.has_value();
            for (std::size_t c = 0; c < columns; ++c) {
                PlotSeries series;
                series.title = layout.columns ? fmt::format("{}={}", s.axes[*layout.columns].name, s.axes[*layout.columns].values[c])
                                              : metric.id;
                for (std::size_t r = 0; r < rows.values.size(); ++r) {
                    auto spread = cell_metric(pivot_cell(s, layout, slice, r, c), metric.id).spread;
                    if (spread) series.points.push_back({x.positions[r], spread->median, spread->min, spread->max});
                }
                if (!series.points.empty()) p.series.push_back(std::move(series));
            }
            specs.push_back(std::move(p));
        }
    }
    return specs;
}

}  // namespace lab::analysis
