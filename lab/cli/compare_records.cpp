#include "lab/cli/compare_records.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

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

}  // namespace

int print_comparisons(std::vector<analysis::JudgedRun> runs, ComparisonOutput output) {
    const std::string generated = provenance(runs);
    std::vector<std::string> order;
    std::map<std::string, std::vector<analysis::JudgedRun>> by_scenario;
    for (auto& run : runs) {
        const std::string& name = run.record.scenario.name;
        if (!by_scenario.count(name)) order.push_back(name);
        by_scenario[name].push_back(std::move(run));
    }
    std::vector<analysis::Comparison> comparisons;
    for (const auto& name : order) {
        auto& group = by_scenario[name];
        if (group.size() < 2) {
            if (output == ComparisonOutput::Tables)
                fmt::print("{}: only one run (kernel {}), nothing to compare with\n\n", name, group.front().label);
            continue;
        }
        // Two runs on the same kernel stay apart: "#2" marks the second.
        std::map<std::string, int> seen;
        for (auto& run : group)
            if (int n = ++seen[run.label]; n > 1) run.label += fmt::format(" #{}", n);
        comparisons.push_back(analysis::compare_runs(group));
        if (output == ComparisonOutput::Tables) fmt::print("{}\n", comparisons.back().table);
    }
    if (output == ComparisonOutput::Markdown) fmt::print("{}", analysis::comparison_markdown(comparisons, generated));
    else if (!comparisons.empty()) fmt::print("{}", analysis::comparison_summary_text(comparisons));
    else fmt::print("compared 0 scenarios across kernels\n");
    const analysis::ComparisonTotals t = analysis::totals(comparisons);
    return t.verdicts_differ + t.late_suspect > 0 ? kExitFail : kExitPass;
}

}  // namespace lab::cli
