#include "analysis/sweep_results.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/number_text.hpp"

namespace lab::analysis {
namespace {

// 30, not 30.0: a variable or count written as an integer reads back as one (jq, pandas' dtypes).
nlohmann::ordered_json json_number(double v) {
    if (std::trunc(v) == v && std::fabs(v) < 9.0e15) return static_cast<std::int64_t>(v);
    return v;
}

constexpr std::array<const char*, 14> kFixedColumns = {"sweep",   "cell_id", "repeat",  "metric",  "value",
                                                       "unit",    "problem", "pass",    "fail",    "skip",
                                                       "outcome", "kernel",  "backend", "hostname"};

std::vector<std::string> variable_columns(const Sweep& s) {
    std::vector<std::string> out;
    for (const auto& axis : s.axes) {
        bool taken = std::find(kFixedColumns.begin(), kFixedColumns.end(), axis.name) != kFixedColumns.end();
        out.push_back(taken ? "variable." + axis.name : axis.name);
    }
    return out;
}

std::string value_text(const std::optional<double>& v) { return v ? exact_number_text(*v) : ""; }

}  // namespace

std::vector<ResultRow> result_rows(const Sweep& s) {
    std::vector<ResultRow> rows;
    for (const auto& cell : s.cells) {
        for (const auto& run : cell.runs) {
            const record::RunRecord& r = run.record;
            ResultRow base;
            base.sweep = s.label;
            for (std::size_t i = 0; i < s.axes.size(); ++i)
                base.values.push_back(record::SweepValue{s.axes[i].name, cell.values[i], s.axes[i].numbers[cell.value_index[i]]});
            base.cell_id = cell.cell_id;
            base.repeat = r.sweep ? r.sweep->repeat : 0;
            base.counts = count_verdicts(r.verdicts);
            base.outcome = record::to_string(r.run.outcome);
            base.kernel = r.run.kernel;
            base.backend = r.run.impairment_backend;
            base.hostname = r.run.hostname;
            if (s.metrics.empty()) {
                rows.push_back(base);
                continue;
            }
            for (const auto& metric : s.metrics) {
                ResultRow row = base;
                row.metric = metric.id;
                row.unit = metric.unit;
                auto it = std::find_if(r.metric_values.begin(), r.metric_values.end(),
                                       [&](const record::MetricValue& v) { return v.id == metric.id; });
                if (it == r.metric_values.end()) row.problem = "no value recorded";
                else {
                    row.value = it->value;
                    row.problem = it->value ? "" : it->problem;
                }
                rows.push_back(std::move(row));
            }
        }
    }
    return rows;
}

std::vector<std::string> result_columns(const Sweep& s) {
    std::vector<std::string> out = {kFixedColumns[0]};
    for (auto& name : variable_columns(s)) out.push_back(std::move(name));
    out.insert(out.end(), kFixedColumns.begin() + 1, kFixedColumns.end());
    return out;
}

std::string csv_field(std::string_view text) {
    if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
    std::string out = "\"";
    for (char c : text) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + '"';
}

std::string results_csv(const Sweep& s) {
    std::string out;
    auto line = [&](const std::vector<std::string>& fields) {
        for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + csv_field(fields[i]);
        out += "\r\n";
    };
    line(result_columns(s));
    for (const auto& row : result_rows(s)) {
        std::vector<std::string> fields = {row.sweep};
        for (const auto& v : row.values) fields.push_back(v.text);
        for (std::string f : {row.cell_id, std::to_string(row.repeat), row.metric, value_text(row.value), row.unit,
                              row.problem, std::to_string(row.counts.passed), std::to_string(row.counts.failed),
                              std::to_string(row.counts.skipped), row.outcome, row.kernel, row.backend, row.hostname})
            fields.push_back(std::move(f));
        line(fields);
    }
    return out;
}

std::string results_jsonl(const Sweep& s) {
    std::vector<std::string> variables = variable_columns(s);
    std::string out;
    for (const auto& row : result_rows(s)) {
        // ordered_json: keys in the CSV's column order, so that a line reads like the table row.
        nlohmann::ordered_json j;
        j["sweep"] = row.sweep;
        for (std::size_t i = 0; i < row.values.size(); ++i) {
            if (row.values[i].number) j[variables[i]] = json_number(*row.values[i].number);
            else j[variables[i]] = row.values[i].text;
        }
        j["cell_id"] = row.cell_id;
        j["repeat"] = row.repeat;
        j["metric"] = row.metric;
        j["value"] = row.value ? json_number(*row.value) : nlohmann::ordered_json(nullptr);
        j["unit"] = row.unit;
        j["problem"] = row.problem;
        j["pass"] = row.counts.passed;
        j["fail"] = row.counts.failed;
        j["skip"] = row.counts.skipped;
        j["outcome"] = row.outcome;
        j["kernel"] = row.kernel;
        j["backend"] = row.backend;
        j["hostname"] = row.hostname;
        out += j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        out += '\n';
    }
    return out;
}

}  // namespace lab::analysis
