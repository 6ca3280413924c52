#pragma once
// Hand-built records of a sweep, as `lab sweep` writes them: every record carries the sweep's axes, its
// cell's values, a cell id, its repeat, and two metrics (accept_queue, connect_p50) with one expectation.
// Tests set the values and verdicts they need.
#include <charconv>
#include <optional>
#include <string>
#include <vector>

#include "analysis/sweep.hpp"
#include "record/run_record.hpp"

namespace lab::analysis::test {

inline constexpr const char* kSweepLabel = "backlog-sweep";

inline std::vector<record::SweepVariable> backlog_by_cookies() {
    return {{"backlog", {"16", "64", "256"}}, {"tcp_syncookies", {"0", "1"}}};
}

inline std::optional<double> numeric(const std::string& text) {
    double v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
    return v;
}

// The run of the cell with `values` (one text per variable, declared order), repeat `repeat` of `repeats`:
// completed, accept_queue = backlog + 1 when backlog is a number, connect_p50 = 25.5 ms, one passing
// expectation "queue-is-backlog-plus-one".
inline record::RunRecord sweep_record(const std::vector<record::SweepVariable>& variables,
                                      const std::vector<std::string>& values, int repeat, int repeats = 3) {
    record::RunRecord r;
    r.scenario.name = "backlog-overflow";
    r.scenario.file = "scenarios/backlog-overflow.toml";
    r.run.id = "run";
    r.run.kernel = "6.18.44-fc-v669";
    r.run.machine = "x86_64";
    r.run.hostname = "labhost";
    r.run.impairment_backend = "userspace";
    r.run.outcome = record::RunOutcome::Completed;
    r.run.wall_seconds = 1.25;
    r.run.started_at = "2026-11-30T15:08:15Z";

    record::SweepRun sweep;
    sweep.sweep = kSweepLabel;
    sweep.cell_id = "c";
    for (std::size_t i = 0; i < variables.size(); ++i) {
        sweep.values.push_back({variables[i].name, values.at(i), numeric(values.at(i))});
        sweep.cell_id += "-" + values.at(i);
        r.run.id += "-" + values.at(i);
    }
    r.run.id += "-r" + std::to_string(repeat);
    r.run.directory = "runs/backlog-overflow/" + r.run.id;
    sweep.repeat = repeat;
    sweep.repeats = repeats;
    sweep.variables = variables;
    r.sweep = sweep;

    record::Metric queue;
    queue.id = "accept_queue";
    queue.description = "accept-queue length";
    queue.unit = "connections";
    queue.documented = "31";
    record::Metric p50;
    p50.id = "connect_p50";
    p50.description = "connect() median";
    p50.unit = "ms";
    r.metrics = {queue, p50};
    std::optional<double> backlog = numeric(values.at(0));
    r.metric_values = {{"accept_queue", backlog ? std::optional<double>(*backlog + 1) : std::optional<double>(7), ""},
                       {"connect_p50", 25.5, ""}};

    record::Verdict v;
    v.id = "queue-is-backlog-plus-one";
    v.description = "accept queue = backlog + 1";
    v.origin = "scenarios/backlog-overflow.toml:40:1";
    v.expected = backlog ? "= " + std::to_string(static_cast<int>(*backlog + 1)) : "= 7";
    v.observed = backlog ? std::to_string(static_cast<int>(*backlog + 1)) : "7";
    v.status = record::VerdictStatus::Pass;
    r.verdicts = {v};
    record::Expectation e;
    e.id = v.id;
    e.description = v.description;
    e.origin = v.origin;
    r.expectations = {e};
    return r;
}

inline void set_metric(record::RunRecord& r, const std::string& id, std::optional<double> value,
                       const std::string& problem = "") {
    for (auto& m : r.metric_values)
        if (m.id == id) {
            m.value = value;
            m.problem = value ? "" : problem;
        }
}

inline void fail_verdict(record::RunRecord& r, const std::string& observed, const std::string& detail) {
    r.verdicts.at(0).status = record::VerdictStatus::Fail;
    r.verdicts.at(0).observed = observed;
    r.verdicts.at(0).detail = detail;
}

// Every cell × repeat of the grid, in grid order (the last variable fastest), each stored under a path.
inline std::vector<StoredRecord> full_grid(const std::vector<record::SweepVariable>& variables, int repeats = 3) {
    std::vector<StoredRecord> out;
    std::vector<std::size_t> index(variables.size(), 0);
    while (true) {
        std::vector<std::string> values;
        for (std::size_t i = 0; i < variables.size(); ++i) values.push_back(variables[i].values[index[i]]);
        for (int rep = 0; rep < repeats; ++rep) {
            auto r = sweep_record(variables, values, rep, repeats);
            out.push_back({r.run.directory + "/record.json", r});
        }
        std::size_t k = variables.size();
        while (k > 0 && ++index[k - 1] == variables[k - 1].values.size()) index[--k] = 0;
        if (k == 0) break;
    }
    return out;
}

// The stored record of this cell and repeat in `records`.
inline StoredRecord& stored(std::vector<StoredRecord>& records, const std::vector<std::string>& values, int repeat) {
    for (auto& s : records) {
        std::vector<std::string> texts;
        for (const auto& v : s.record.sweep->values) texts.push_back(v.text);
        if (texts == values && s.record.sweep->repeat == repeat) return s;
    }
    throw std::out_of_range("no such record in the test grid");
}

}  // namespace lab::analysis::test
