#include "analysis/series_plot_specs.hpp"

#include <fmt/format.h>

#include "analysis/series_quantity.hpp"

namespace lab::analysis {
namespace {

PlotSpec time_plot(const record::RunRecord& r, const SeriesQuantity& q, std::string_view kind, std::size_t index) {
    PlotSpec spec;
    spec.name = fmt::format("lab_series_{}", index);
    spec.file_stem = fmt::format("series-{:02}-{}-{}", index, kind, file_safe(q.metric));
    spec.metric_id = q.metric;
    spec.title = fmt::format("{} — {}", q.title, r.scenario.name);
    spec.y_label = q.unit;
    spec.x.kind = AxisKind::Numeric;  // no positions or tics: gnuplot scales the time itself
    spec.x.label = "time since the timeline started (s)";
    spec.lines = true;
    return spec;
}

// A line through the samples that have the value; none when it is never above 0.
template <typename Sample>
PlotSeries line(std::string title, const std::vector<Sample>& samples, const SeriesQuantity& q, bool& above_zero) {
    PlotSeries series;
    series.title = std::move(title);
    for (const auto& s : samples) {
        auto it = s.values.find(q.metric);
        if (it == s.values.end()) continue;
        const double v = it->second / q.scale;
        above_zero |= v != 0;
        series.points.push_back({s.t, v, v, v});
    }
    return series;
}

}  // namespace

std::vector<PlotSpec> series_plot_specs(const record::RunRecord& r) {
    std::vector<PlotSpec> out;
    for (const SeriesQuantity& q : host_series_quantities()) {
        PlotSpec spec = time_plot(r, q, "host", out.size() + 1);
        bool above_zero = false;
        for (const auto& host : r.series) {
            PlotSeries s = line(fmt::format("host {}", host.host), host.points, q, above_zero);
            if (!s.points.empty()) spec.series.push_back(std::move(s));
        }
        keep_if_drawn(out, std::move(spec), above_zero);
    }
    for (const SeriesQuantity& q : agent_series_quantities()) {
        PlotSpec spec = time_plot(r, q, "agent", out.size() + 1);
        bool above_zero = false;
        for (const auto& p : r.processes) {
            PlotSeries s = line(fmt::format("{}.{} on {}", p.name, p.instance, p.host), p.series, q, above_zero);
            if (!s.points.empty()) spec.series.push_back(std::move(s));
        }
        keep_if_drawn(out, std::move(spec), above_zero);
    }
    return out;
}

void keep_if_drawn(std::vector<PlotSpec>& out, PlotSpec spec, bool above_zero) {
    if (!above_zero) return;
    spec.key = spec.series.size() > 1;
    out.push_back(std::move(spec));
}

}  // namespace lab::analysis
