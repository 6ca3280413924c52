#include "lab/cli/compare_records.hpp"

#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lab/cli/commands.hpp"

namespace lab::cli {

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

int print_comparisons(std::vector<analysis::JudgedRun> runs) {
    int status = kExitPass;
    std::size_t compared = 0, differing = 0;
    for (const auto& group : group_by_scenario(std::move(runs))) {
        if (group.runs.size() < 2) {
            fmt::print("{}: only one run (kernel {}), nothing to compare with\n\n", group.scenario,
                       group.runs.front().label);
            continue;
        }
        analysis::Comparison c = analysis::compare_runs(group.runs);
        fmt::print("{}\n", c.table);
        ++compared;
        if (c.verdicts_differ > 0) {
            ++differing;
            status = kExitFail;
        }
    }
    fmt::print("compared {} scenario{} across kernels; {} with differing verdicts\n", compared, compared == 1 ? "" : "s",
               differing);
    return status;
}

nlohmann::json comparisons_json(std::vector<analysis::JudgedRun> runs, int& status) {
    status = kExitPass;
    std::size_t compared = 0, differing = 0;
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
        if (group.runs.size() > 1) {
            analysis::Comparison c = analysis::compare_runs(group.runs);
            ++compared;
            if (c.verdicts_differ > 0) {
                ++differing;
                status = kExitFail;
            }
            entry["verdicts_differ"] = c.verdicts_differ;
            entry["observations_differ"] = c.observations_differ;
            entry["differences"] = c.differences;
        } else {
            entry["verdicts_differ"] = 0;
            entry["observations_differ"] = 0;
            entry["differences"] = nlohmann::json::array();
        }
        scenarios.push_back(std::move(entry));
    }
    return {{"schema", "lab.compare/1"},
            {"kind", "records"},
            {"compared", compared},
            {"differing", differing},
            {"scenarios", scenarios}};
}

}  // namespace lab::cli
