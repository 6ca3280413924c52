#include "lab/cli/compare_records.hpp"

#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/kernel_comparison_report.hpp"
#include "lab/cli/commands.hpp"

namespace lab::cli {
namespace {

// "runs of 2026-11-30 on lab-host, vm" — when and where the records were made, for the document.
std::string provenance(const std::vector<analysis::JudgedRun>& runs) {
    std::set<std::string> days, hosts;
    for (const auto& r : runs) {
        if (r.record.run.started_at.size() >= 10) days.insert(r.record.run.started_at.substr(0, 10));
        if (!r.record.run.hostname.empty()) hosts.insert(r.record.run.hostname);
    }
    std::string out = "runs of ";
    for (const auto& d : days) out += d + (d == *days.rbegin() ? "" : ", ");
    out += " on ";
    for (const auto& h : hosts) out += h + (h == *hosts.rbegin() ? "" : ", ");
    return out;
}

int status_of(const std::vector<analysis::Comparison>& comparisons) {
    const analysis::ComparisonTotals t = analysis::totals(comparisons);
    return t.verdicts_differ + t.late_suspect > 0 ? kExitFail : kExitPass;
}

}  // namespace

std::vector<ScenarioRuns> group_by_scenario(std::vector<analysis::JudgedRun> runs) {
    std::vector<ScenarioRuns> out;
    std::map<std::string, std::size_t> index;
    for (auto& run : runs) {
        const std::string name = run.record.scenario.name;
        auto [it, fresh] = index.emplace(name, out.size());
        if (fresh) out.push_back({name, {}});
        out[it->second].runs.push_back(std::move(run));
    }
    // Two runs on the same kernel stay apart: "#2" marks the second.
    for (auto& group : out) {
        std::map<std::string, int> seen;
        for (auto& run : group.runs)
            if (int n = ++seen[run.label]; n > 1) run.label += fmt::format(" #{}", n);
    }
    return out;
}

int print_comparisons(std::vector<analysis::JudgedRun> runs, ComparisonOutput output) {
    const std::string generated = provenance(runs);
    std::vector<analysis::Comparison> comparisons;
    for (const auto& group : group_by_scenario(std::move(runs))) {
        if (group.runs.size() < 2) {
            if (output == ComparisonOutput::Tables)
                fmt::print("{}: only one run (kernel {}), nothing to compare with\n\n", group.scenario,
                           group.runs.front().label);
            continue;
        }
        comparisons.push_back(analysis::compare_runs(group.runs));
        if (output == ComparisonOutput::Tables) fmt::print("{}\n", comparisons.back().table);
    }
    if (output == ComparisonOutput::Markdown) fmt::print("{}", analysis::comparison_markdown(comparisons, generated));
    else if (!comparisons.empty()) fmt::print("{}", analysis::comparison_summary_text(comparisons));
    else fmt::print("compared 0 scenarios across kernels\n");
    return status_of(comparisons);
}

nlohmann::json comparisons_json(std::vector<analysis::JudgedRun> runs, int& status) {
    std::vector<analysis::Comparison> comparisons;
    nlohmann::json scenarios = nlohmann::json::array();
    for (const auto& group : group_by_scenario(std::move(runs))) {
        nlohmann::json runs_json = nlohmann::json::array();
        for (const auto& run : group.runs)
            runs_json.push_back({{"label", run.label},
                                 {"kernel", run.record.run.kernel},
                                 {"impairment_backend", run.record.run.impairment_backend},
                                 {"directory", run.record.run.directory},
                                 {"outcome", record::to_string(run.record.run.outcome)},
                                 {"verdicts", run.verdicts}});
        nlohmann::json entry{{"scenario", group.scenario}, {"runs", runs_json}, {"compared", group.runs.size() > 1}};
        entry["differences"] = nlohmann::json::array();
        for (const char* key : {"verdicts_differ", "kernel_explained", "late_suspect", "observations_differ"}) entry[key] = 0;
        if (group.runs.size() > 1) {
            const analysis::Comparison& c = comparisons.emplace_back(analysis::compare_runs(group.runs));
            entry["verdicts_differ"] = c.verdicts_differ;
            entry["kernel_explained"] = c.kernel_explained;
            entry["late_suspect"] = c.late_suspect;
            entry["observations_differ"] = c.observations_differ;
            entry["differences"] = c.differences;
            entry["late_runs"] = c.late_runs;
        }
        scenarios.push_back(std::move(entry));
    }
    status = status_of(comparisons);
    std::size_t differing = 0;
    for (const auto& c : comparisons) differing += c.verdicts_differ + c.late_suspect > 0;
    return {{"schema", "lab.compare/1"},
            {"kind", "records"},
            {"compared", comparisons.size()},
            {"differing", differing},
            {"scenarios", scenarios}};
}

}  // namespace lab::cli
