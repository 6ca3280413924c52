#include "analysis/metric_spread.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "analysis/number_text.hpp"

namespace lab::analysis {

std::optional<Spread> spread_of(std::vector<double> values) {
    if (values.empty()) return std::nullopt;
    std::sort(values.begin(), values.end());
    Spread s;
    s.n = values.size();
    s.min = values.front();
    s.max = values.back();
    std::size_t mid = s.n / 2;
    s.median = s.n % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    return s;
}

CellMetric cell_metric(const SweepCell& cell, const std::string& metric_id) {
    CellMetric out;
    std::vector<double> values;
    for (const auto& run : cell.runs) {
        const record::RunRecord& r = run.record;
        int repeat = r.sweep ? r.sweep->repeat : 0;
        auto it = std::find_if(r.metric_values.begin(), r.metric_values.end(),
                               [&](const record::MetricValue& v) { return v.id == metric_id; });
        if (it != r.metric_values.end() && it->value) {
            values.push_back(*it->value);
            continue;
        }
        std::string why;
        if (it != r.metric_values.end()) why = it->problem.empty() ? "no value" : it->problem;
        else if (std::any_of(r.metrics.begin(), r.metrics.end(), [&](const record::Metric& m) { return m.id == metric_id; }))
            why = "not measured (the record holds no value for it)";
        else
            why = "this run's scenario has no such metric";
        if (r.run.outcome != record::RunOutcome::Completed && why.find(record::to_string(r.run.outcome)) == std::string::npos)
            why += fmt::format(" (run outcome: {})", record::to_string(r.run.outcome));
        out.problems.push_back(fmt::format("repeat {}: {}", repeat, why));
    }
    out.spread = spread_of(std::move(values));
    return out;
}

std::string spread_text(const std::optional<Spread>& s) {
    if (!s) return "—";
    if (s->min == s->max) return fmt::format("{} n={}", compact_number_text(s->median), s->n);
    return fmt::format("{} [{}–{}] n={}", compact_number_text(s->median), compact_number_text(s->min),
                       compact_number_text(s->max), s->n);
}

}  // namespace lab::analysis
