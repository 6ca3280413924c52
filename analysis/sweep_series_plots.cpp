#include "analysis/sweep_series_plots.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "analysis/series_plot_specs.hpp"
#include "analysis/series_quantity.hpp"

namespace lab::analysis {
namespace {

// One host's or one agent copy's values of a quantity, in time order, and how often it reports.
struct Source {
    std::vector<std::pair<double, double>> samples;  // t, value
    double interval_s = 1;
};

template <typename Sample>
Source source_of(const std::vector<Sample>& samples, const SeriesQuantity& q, double interval_s) {
    Source s;
    for (const auto& sample : samples)
        if (auto it = sample.values.find(q.metric); it != sample.values.end()) s.samples.emplace_back(sample.t, it->second);
    std::sort(s.samples.begin(), s.samples.end());
    s.interval_s = interval_s;
    if (s.interval_s <= 0 && s.samples.size() > 1) {  // an agent's --report-every: the median gap
        std::vector<double> gaps;
        for (std::size_t i = 1; i < s.samples.size(); ++i) gaps.push_back(s.samples[i].first - s.samples[i - 1].first);
        std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
        s.interval_s = gaps[gaps.size() / 2];
    }
    if (s.interval_s <= 0) s.interval_s = 1;
    return s;
}

// The sources' sum (or highest, for a percentile) on a grid of the fastest source's period, from the
// first sample on. Sources report on their own clocks, so each counts with its latest value at or
// before a grid time, from its first sample until one period after its last (a process that ended
// adds nothing after it).
PlotSeries combined_line(std::string title, const std::vector<Source>& sources, const SeriesQuantity& q, bool& above_zero) {
    PlotSeries line;
    line.title = std::move(title);
    double step = 0, first = 0, last = 0;
    bool any = false;
    for (const auto& s : sources) {
        if (s.samples.empty()) continue;
        step = any ? std::min(step, s.interval_s) : s.interval_s;
        first = any ? std::min(first, s.samples.front().first) : s.samples.front().first;
        last = any ? std::max(last, s.samples.back().first) : s.samples.back().first;
        any = true;
    }
    if (!any) return line;
    const double slack = step * 0.05;  // clocks that run a little late still land in their period
    std::vector<std::size_t> next(sources.size(), 0);
    for (std::size_t k = 0;; ++k) {
        const double t = first + static_cast<double>(k) * step;
        if (t > last + slack) break;
        bool have = false;
        double total = 0;
        for (std::size_t i = 0; i < sources.size(); ++i) {
            const auto& samples = sources[i].samples;
            while (next[i] < samples.size() && samples[next[i]].first <= t + slack) ++next[i];
            if (next[i] == 0 || t > samples.back().first + sources[i].interval_s) continue;
            const double v = samples[next[i] - 1].second;
            total = !have ? v : q.summable ? total + v : std::max(total, v);
            have = true;
        }
        if (!have) continue;
        above_zero |= total != 0;
        line.points.push_back({t, total / q.scale, total / q.scale, total / q.scale});
    }
    return line;
}

PlotSpec time_plot(const Sweep& s, const SeriesQuantity& q, std::string_view kind, std::size_t index) {
    PlotSpec spec;
    spec.name = fmt::format("lab_sweep_series_{}", index);
    spec.file_stem = fmt::format("series-{:02}-{}-{}", index, kind, file_safe(q.metric));
    spec.metric_id = q.metric;
    spec.title = fmt::format("{} — {}, {} of each cell's first run", q.title, s.scenario,
                             q.summable ? (kind == "host" ? "all hosts" : "all copies of a program")
                                        : fmt::format("the highest {}", kind == "host" ? "host" : "copy"));
    spec.y_label = q.unit;
    spec.x.kind = AxisKind::Numeric;
    spec.x.label = "time since the timeline started (s)";
    spec.lines = true;
    return spec;
}

// The first stored run of a cell: its lowest repeat.
const record::RunRecord* first_run(const SweepCell& cell) {
    return cell.in_grid && !cell.runs.empty() ? &cell.runs.front().record : nullptr;
}

// Programs that wrote per-second lines in any cell: each gets its own line (a client's connections and a
// server's are not one number).
std::set<std::string> reporting_programs(const Sweep& s) {
    std::set<std::string> names;
    for (const auto& cell : s.cells)
        if (const record::RunRecord* r = first_run(cell))
            for (const auto& p : r->processes)
                if (!p.series.empty()) names.insert(p.name);
    return names;
}

}  // namespace

std::vector<PlotSpec> sweep_series_plot_specs(const Sweep& s) {
    std::vector<PlotSpec> out;
    for (const SeriesQuantity& q : host_series_quantities()) {
        PlotSpec spec = time_plot(s, q, "host", out.size() + 1);
        bool above_zero = false;
        for (const auto& cell : s.cells) {
            const record::RunRecord* r = first_run(cell);
            if (!r) continue;
            std::vector<Source> sources;
            for (const auto& host : r->series) sources.push_back(source_of(host.points, q, host.every_s));
            PlotSeries line = combined_line(cell.name, sources, q, above_zero);
            if (!line.points.empty()) spec.series.push_back(std::move(line));
        }
        keep_if_drawn(out, std::move(spec), above_zero);
    }
    const std::set<std::string> programs = reporting_programs(s);
    for (const SeriesQuantity& q : agent_series_quantities()) {
        PlotSpec spec = time_plot(s, q, "agent", out.size() + 1);
        bool above_zero = false;
        for (const auto& cell : s.cells) {
            const record::RunRecord* r = first_run(cell);
            if (!r) continue;
            for (const auto& program : programs) {
                std::vector<Source> sources;
                for (const auto& p : r->processes)
                    if (p.name == program) sources.push_back(source_of(p.series, q, 0));
                const std::string title = programs.size() == 1 ? cell.name : fmt::format("{}: {}", cell.name, program);
                PlotSeries line = combined_line(title, sources, q, above_zero);
                if (!line.points.empty()) spec.series.push_back(std::move(line));
            }
        }
        keep_if_drawn(out, std::move(spec), above_zero);
    }
    return out;
}

}  // namespace lab::analysis
