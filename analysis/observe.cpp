#include "analysis/observe.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "analysis/output_observation.hpp"
#include "analysis/packets_observation.hpp"
#include "analysis/series_observation.hpp"
#include "record/counted_sockets.hpp"

namespace lab::analysis {
namespace {

// Why a snapshot is missing is almost always how the run ended, so the message carries it.
std::string outcome_text(const record::RunInfo& run) {
    if (run.outcome_detail.empty()) return record::to_string(run.outcome);
    return fmt::format("{}: {}", record::to_string(run.outcome), run.outcome_detail);
}


const record::Snapshot* find_snapshot(const record::RunRecord& r, const std::string& name) {
    auto it = std::find_if(r.snapshots.begin(), r.snapshots.end(),
                           [&](const record::Snapshot& s) { return s.name == name; });
    return it == r.snapshots.end() ? nullptr : &*it;
}

// Finds snapshot `at` and host `host` in it, or says which of the two is missing.
const record::HostView* find_view(const record::RunRecord& r, const std::string& at, const std::string& host,
                                  std::string& problem) {
    const record::Snapshot* snap = find_snapshot(r, at);
    if (!snap) {
        problem = fmt::format("snapshot '{}' was not taken (run outcome: {})", at, outcome_text(r.run));
        return nullptr;
    }
    auto it = snap->hosts.find(host);
    if (it == snap->hosts.end()) {
        std::string seen;
        for (const auto& [name, view] : snap->hosts) seen += (seen.empty() ? "" : ", ") + name;
        problem = fmt::format("host '{}' is not in snapshot '{}' (hosts there: {})", host, at,
                              seen.empty() ? "none" : seen);
        return nullptr;
    }
    return &it->second;
}

Observation observe_sockets(const record::RunRecord& r, const record::Selection& e) {
    std::string problem;
    const record::HostView* view = find_view(r, e.at, e.host, problem);
    if (!view) return no_value(problem);
    if (e.metric != "count" && e.metric != "recv_q" && e.metric != "send_q")
        return no_value(fmt::format("metric '{}' is unknown (count, recv_q or send_q)", e.metric));
    std::string why;
    if (auto sum = record::selected_sockets(*view, e.sockets, e.metric, why)) return Observation{*sum, {}};
    return no_value(fmt::format("{} on host '{}' in snapshot '{}': {}", e.sockets.text(), e.host, e.at, why));
}

Observation observe_counter(const record::RunRecord& r, const record::Selection& e) {
    std::string problem;
    const record::HostView* end_view = find_view(r, e.at, e.host, problem);
    if (!end_view) return no_value(problem);
    const record::HostView* start_view = find_view(r, "start", e.host, problem);
    if (!start_view) return no_value(problem);
    // An empty map means the files were not read at all, which is not the kernel's doing.
    if (end_view->counters.empty())
        return no_value(fmt::format("no counters were read on host '{}' in snapshot '{}'", e.host, e.at));
    auto end_it = end_view->counters.find(e.counter);
    if (end_it == end_view->counters.end())
        return no_value(fmt::format("counter {} is not reported by this kernel", e.counter));
    auto start_it = start_view->counters.find(e.counter);
    if (start_it == start_view->counters.end())
        return no_value(fmt::format("counter {} was not read in snapshot 'start' on host '{}'", e.counter, e.host));
    return Observation{static_cast<double>(end_it->second - start_it->second), {}};
}

bool matches(const std::string& wanted, const std::string& have) { return wanted.empty() || wanted == have; }

std::string field_list(const std::vector<std::string>& fields) {
    std::string out;
    for (const auto& f : fields) out += (out.empty() ? "" : " + ") + f;
    return out;
}

// What one event adds: 1, or the sum of the named fields it carries (found: any of them was there).
double event_value(const record::Selection& e, const record::Event& ev, bool& found) {
    if (e.sum.empty()) return 1;
    double v = 0;
    for (const auto& field : e.sum) {
        if (field == "bytes") {
            v += static_cast<double>(ev.bytes);
            found = true;
            continue;
        }
        if (auto it = ev.values.find(field); it != ev.values.end()) {
            v += it->second;
            found = true;
        }
    }
    return v;
}

// lab-client names an op's wave only when it was started with several.
bool in_wave(const std::optional<int>& wave, const record::Event& ev) {
    if (!wave) return true;
    auto it = ev.values.find("wave");
    return it != ev.values.end() && it->second == *wave;
}

// The nearest-rank percentile: an observed duration, never an interpolation between two ops.
double percentile(std::vector<double> sorted_values, double p) {
    std::sort(sorted_values.begin(), sorted_values.end());
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted_values.size())));
    return sorted_values[std::clamp<std::size_t>(rank, 1, sorted_values.size()) - 1];
}

Observation timing_of(const record::Selection& e, const std::vector<double>& durations_ms,
                      const std::vector<double>& starts_s) {
    if (durations_ms.empty()) return no_value(fmt::format("no events matched, so there is no {} duration", e.timing));
    if (e.timing == "start_spread") {
        const auto [first, last] = std::minmax_element(starts_s.begin(), starts_s.end());
        return Observation{(*last - *first) * 1000.0, {}};
    }
    if (e.timing == "min") return Observation{*std::min_element(durations_ms.begin(), durations_ms.end()), {}};
    if (e.timing == "max") return Observation{*std::max_element(durations_ms.begin(), durations_ms.end()), {}};
    if (e.timing == "mean")
        return Observation{std::accumulate(durations_ms.begin(), durations_ms.end(), 0.0) /
                               static_cast<double>(durations_ms.size()),
                           {}};
    if (e.timing == "p50") return Observation{percentile(durations_ms, 50), {}};
    if (e.timing == "p90") return Observation{percentile(durations_ms, 90), {}};
    if (e.timing == "p99") return Observation{percentile(durations_ms, 99), {}};
    return no_value(fmt::format("timing '{}' is unknown (min, p50, p90, p99, max, mean or start_spread)", e.timing));
}

Observation observe_events(const record::RunRecord& r, const record::Selection& e) {
    double total = 0;
    std::size_t n = 0;
    bool found = false;
    std::map<std::tuple<std::string, int, int>, double> per_conn;  // (process, instance, conn) → number
    std::vector<double> durations_ms, starts_s;
    for (const record::Event& ev : r.events) {
        if (!(matches(e.process, ev.process) && matches(e.group, ev.group) && matches(e.op, ev.op) &&
              matches(e.result, ev.result) && matches(e.errno_name, ev.errno_name) && in_wave(e.wave, ev)))
            continue;
        ++n;
        durations_ms.push_back((ev.end_t - ev.start_t) * 1000.0);
        starts_s.push_back(ev.start_t);
        double v = event_value(e, ev, found);
        total += v;
        per_conn[{ev.process, ev.instance, ev.conn}] += v;
    }
    if (!e.timing.empty()) return timing_of(e, durations_ms, starts_s);
    // A field no selected event has is a misspelling or the wrong op, not a zero.
    if (!e.sum.empty() && n > 0 && !found)
        return no_value(fmt::format("none of the {} selected events has the field {}", n, field_list(e.sum)));
    if (e.per_conn.empty()) return Observation{total, {}};
    if (e.per_conn == "nonzero")
        return Observation{static_cast<double>(std::count_if(per_conn.begin(), per_conn.end(),
                                                             [](const auto& kv) { return kv.second != 0; })),
                           {}};
    if (per_conn.empty()) return no_value(fmt::format("no events matched, so no connection has a {}", e.per_conn));
    auto by_value = [](const auto& a, const auto& b) { return a.second < b.second; };
    if (e.per_conn == "min") return Observation{std::min_element(per_conn.begin(), per_conn.end(), by_value)->second, {}};
    if (e.per_conn == "max") return Observation{std::max_element(per_conn.begin(), per_conn.end(), by_value)->second, {}};
    return no_value(fmt::format("per_conn '{}' is unknown (min, max or nonzero)", e.per_conn));
}

Observation observe_exit(const record::RunRecord& r, const record::Selection& e) {
    auto n = std::count_if(r.processes.begin(), r.processes.end(), [&](const record::ProcessResult& p) {
        if (!matches(e.process, p.name) || !p.exit_code) return false;
        return !e.exit_code || *p.exit_code == *e.exit_code;
    });
    return Observation{static_cast<double>(n), {}};
}

}  // namespace

Observation observe(const record::RunRecord& r, const record::Selection& e) {
    switch (e.kind) {
        case record::ExpectKind::Sockets: return observe_sockets(r, e);
        case record::ExpectKind::Counter: return observe_counter(r, e);
        case record::ExpectKind::Events: return observe_events(r, e);
        case record::ExpectKind::Exit: return observe_exit(r, e);
        case record::ExpectKind::Output: return observe_output(r, e);
        case record::ExpectKind::Packets: return observe_packets(r, e);
        case record::ExpectKind::Series: return observe_series(r, e);
    }
    return no_value("unknown expectation kind");
}

std::vector<record::MetricValue> measure(const record::RunRecord& r) {
    std::vector<record::MetricValue> out;
    out.reserve(r.metrics.size());
    for (const record::Metric& m : r.metrics) {
        Observation o = observe(r, m);
        out.push_back({m.id, o.value, o.problem});
    }
    return out;
}

}  // namespace lab::analysis
