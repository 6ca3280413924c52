#include "lab/cli/compare_records.hpp"

#include <map>

#include <fmt/format.h>

#include "lab/cli/commands.hpp"

namespace lab::cli {

int print_comparisons(std::vector<analysis::JudgedRun> runs) {
    std::vector<std::string> order;
    std::map<std::string, std::vector<analysis::JudgedRun>> by_scenario;
    for (auto& run : runs) {
        const std::string& name = run.record.scenario.name;
        if (!by_scenario.count(name)) order.push_back(name);
        by_scenario[name].push_back(std::move(run));
    }
    int status = kExitPass;
    std::size_t compared = 0, differing = 0;
    for (const auto& name : order) {
        auto& group = by_scenario[name];
        if (group.size() < 2) {
            fmt::print("{}: only one run (kernel {}), nothing to compare with\n\n", name, group.front().label);
            continue;
        }
        // Two runs on the same kernel stay apart: "#2" marks the second.
        std::map<std::string, int> seen;
        for (auto& run : group)
            if (int n = ++seen[run.label]; n > 1) run.label += fmt::format(" #{}", n);
        analysis::Comparison c = analysis::compare_runs(group);
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

}  // namespace lab::cli
