#include "analysis/series_observation.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

namespace lab::analysis {

SeriesValues series_values(const record::RunRecord& r, const record::SeriesSelector& sel) {
    SeriesValues out;
    auto it = std::find_if(r.series.begin(), r.series.end(), [&](const record::HostSeries& s) { return s.host == sel.host; });
    if (it == r.series.end()) {
        out.why = r.series.empty() ? "the run recorded no series (no [sample] table, or the run ended before it)"
                                   : fmt::format("host '{}' was not sampled", sel.host);
        return out;
    }
    for (const record::SeriesPoint& p : it->points) {
        if ((sel.from_s && p.t < *sel.from_s) || (sel.to_s && p.t > *sel.to_s)) continue;
        auto v = p.values.find(sel.metric);
        if (v == p.values.end()) continue;
        out.t.push_back(p.t);
        out.value.push_back(v->second);
    }
    if (out.value.empty())
        out.why = fmt::format("no sample of host '{}'{} has {} ({} samples in all)", sel.host,
                              sel.from_s || sel.to_s ? " in the window" : "", sel.metric, it->points.size());
    return out;
}

Observation observe_series(const record::RunRecord& r, const record::Selection& selection) {
    const record::SeriesSelector& sel = selection.series;
    SeriesValues s = series_values(r, sel);
    if (s.value.empty()) return Observation{std::nullopt, s.why};
    if (sel.at_s) {
        // The last sample at or before the time: what was known then, never a later state.
        auto after = std::upper_bound(s.t.begin(), s.t.end(), *sel.at_s);
        if (after == s.t.begin())
            return Observation{std::nullopt, fmt::format("no sample of {} on host '{}' at or before {}s (the first "
                                                         "is at {:.3f}s)",
                                                         sel.metric, sel.host, *sel.at_s, s.t.front())};
        return Observation{s.value[static_cast<std::size_t>(after - s.t.begin()) - 1], {}};
    }
    if (sel.reduce == "max") return Observation{*std::max_element(s.value.begin(), s.value.end()), {}};
    if (sel.reduce == "min") return Observation{*std::min_element(s.value.begin(), s.value.end()), {}};
    if (sel.reduce == "first") return Observation{s.value.front(), {}};
    if (sel.reduce == "last") return Observation{s.value.back(), {}};
    if (sel.reduce == "mean")
        return Observation{std::accumulate(s.value.begin(), s.value.end(), 0.0) / static_cast<double>(s.value.size()),
                           {}};
    return Observation{std::nullopt,
                       fmt::format("reduce '{}' is unknown (max, min, mean, first or last)", sel.reduce)};
}

}  // namespace lab::analysis
