#include "analysis/sweep_series_plots.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "analysis/series_quantity.hpp"

namespace lab::analysis {
namespace {

// Samples of one run combined over its sources: hosts sampled together share a period, agent copies
// report once a second but each on its own clock, so values are matched by the period they fall in.
class Combined {
public:
    Combined(const SeriesQuantity& q, double period_s) : q_(q), period_s_(period_s > 0 ? period_s : 1) {}

    // One source's samples; of two in the same period, its later one counts.
    template <typename Sample>
    void add_source(const std::vector<Sample>& samples) {
        std::map<long long, double> mine;
        for (const auto& s : samples)
            if (auto it = s.values.find(q_.metric); it != s.values.end()) mine[std::llround(s.t / period_s_)] = it->second;
        for (const auto& [period, v] : mine) {
            auto [it, fresh] = totals_.try_emplace(period, v);
            if (!fresh) it->second = q_.summable ? it->second + v : std::max(it->second, v);
        }
    }

    // The line; sets above_zero when a value is not 0.
    PlotSeries line(std::string title, bool& above_zero) const {
        PlotSeries series;
        series.title = std::move(title);
        for (const auto& [period, total] : totals_) {
            const double v = total / q_.scale;
            above_zero |= v != 0;
            series.points.push_back({static_cast<double>(period) * period_s_, v, v, v});
        }
        return series;
    }

private:
    const SeriesQuantity& q_;
    double period_s_;
    std::map<long long, double> totals_;
};

PlotSpec time_plot(const Sweep& s, const SeriesQuantity& q, std::string_view kind, std::size_t index) {
    PlotSpec spec;
    spec.name = fmt::format("lab_sweep_series_{}", index);
    spec.file_stem = fmt::format("series-{:02}-{}-{}", index, kind, file_safe(q.metric));
    spec.metric_id = q.metric;
    spec.title = fmt::format("{} — {}, {} of each cell's first run", q.title, s.scenario,
                             q.summable ? fmt::format("all {}s", kind) : fmt::format("the highest {}", kind));
    spec.y_label = q.unit;
    spec.x.kind = AxisKind::Numeric;
    spec.x.label = "time since the timeline started (s)";
    spec.lines = true;
    return spec;
}

const record::RunRecord* first_run(const SweepCell& cell) {
    return cell.in_grid && !cell.runs.empty() ? &cell.runs.front().record : nullptr;
}

void keep_if_drawn(std::vector<PlotSpec>& out, PlotSpec spec, bool above_zero) {
    if (!above_zero) return;
    spec.key = spec.series.size() > 1;
    out.push_back(std::move(spec));
}

}  // namespace

std::vector<PlotSpec> sweep_series_plot_specs(const Sweep& s) {
    std::vector<PlotSpec> out;
    for (const SeriesQuantity& q : host_series_quantities()) {
        PlotSpec spec = time_plot(s, q, "host", out.size() + 1);
        bool above_zero = false;
        for (const auto& cell : s.cells) {
            const record::RunRecord* r = first_run(cell);
            if (!r || r->series.empty()) continue;
            Combined c(q, r->series.front().every_s);
            for (const auto& host : r->series) c.add_source(host.points);
            PlotSeries line = c.line(cell.name, above_zero);
            if (!line.points.empty()) spec.series.push_back(std::move(line));
        }
        keep_if_drawn(out, std::move(spec), above_zero);
    }
    for (const SeriesQuantity& q : agent_series_quantities()) {
        PlotSpec spec = time_plot(s, q, "agent", out.size() + 1);
        bool above_zero = false;
        for (const auto& cell : s.cells) {
            const record::RunRecord* r = first_run(cell);
            if (!r) continue;
            Combined c(q, 1.0);
            for (const auto& p : r->processes) c.add_source(p.series);
            PlotSeries line = c.line(cell.name, above_zero);
            if (!line.points.empty()) spec.series.push_back(std::move(line));
        }
        keep_if_drawn(out, std::move(spec), above_zero);
    }
    return out;
}

}  // namespace lab::analysis
