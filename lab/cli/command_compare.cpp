#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/comparison_table.hpp"
#include "analysis/evaluate.hpp"
#include "analysis/sweep_comparison.hpp"
#include "lab/cli/commands.hpp"
#include "lab/cli/compare_records.hpp"
#include "lab/cli/record_files.hpp"
#include "lab/cli/sudo_caller.hpp"
#include "lab/cli/sweep_manifest.hpp"
#include "lab/cli/sweep_reports.hpp"

namespace lab::cli {

Command add_compare(CLI::App& app) {
    auto paths = std::make_shared<std::vector<std::string>>();
    auto markdown = std::make_shared<bool>(false);
    auto json = std::make_shared<bool>(false);
    CLI::App* sub = app.add_subcommand(
        "compare", "Show each scenario's verdicts on every kernel it ran on (host, VM, other machines) in one table");
    sub->add_option("records", *paths,
                    "record.json files, or directories searched for them (lab run --out, lab vm run); or two or "
                    "more sweep directories, compared metric by metric")
        ->required();
    auto* markdown_flag = sub->add_flag(
        "--markdown", *markdown,
        "Print one Markdown document instead of the tables: every expectation that differs anywhere, and a "
        "paragraph per difference a kernel condition explains (how docs/kernels.md is made)");
    sub->add_flag("--json", *json, "One JSON document on stdout (docs/json-output.md)")->excludes(markdown_flag);
    sub->footer("Exit status: 0 every verdict is the same on every kernel, or differs where the expectation's kernel "
                "condition says so; 1 a verdict differs unexplained, or where a run fell behind its timeline; 2 error.");
    return [paths, markdown, json] {
        act_as_caller_under_sudo();  // reads only: no root needed, and none used to read
        // Sweep directories are compared as sweeps: per metric the pivot tables side by side.
        const bool sweeps = std::all_of(paths->begin(), paths->end(), [](const std::string& p) {
            return std::filesystem::exists(std::filesystem::path(p) / kSweepManifestFile);
        });
        if (sweeps) {
            if (paths->size() < 2) {
                fmt::print(stderr, "lab compare: give two or more sweep directories\n");
                return kExitError;
            }
            std::vector<analysis::Sweep> all;
            for (const auto& p : *paths) all.push_back(analysis::gather_sweep(load_sweep_records(p)));
            const analysis::SweepComparison c = analysis::compare_sweeps(all, *paths);
            if (*json)
                fmt::print("{}\n", nlohmann::json{{"schema", "lab.compare/1"},
                                                  {"kind", "sweeps"},
                                                  {"sweeps", *paths},
                                                  {"value_differences", c.value_differences},
                                                  {"separated_ranges", c.separated_ranges},
                                                  {"verdict_differences", c.verdict_differences},
                                                  {"differences", c.differences}}
                                        .dump(2));
            else
                fmt::print("{}", c.markdown);
            return c.value_differences + c.verdict_differences > 0 ? kExitFail : kExitPass;
        }
        std::vector<analysis::JudgedRun> runs;
        for (const auto& path : find_record_files(*paths)) {
            record::RunRecord rec = load_record(path);
            auto verdicts = analysis::evaluate(rec);
            runs.push_back({analysis::kernel_label(rec), std::move(rec), std::move(verdicts)});
        }
        if (!*json) return print_comparisons(runs, *markdown ? ComparisonOutput::Markdown : ComparisonOutput::Tables);
        int status = kExitPass;
        const nlohmann::json out = comparisons_json(std::move(runs), status);
        fmt::print("{}\n", out.dump(2));
        return status;
    };
}

}  // namespace lab::cli
