#include <map>
#include <memory>

#include <fmt/format.h>

#include "analysis/comparison_table.hpp"
#include "analysis/evaluate.hpp"
#include "lab/cli/commands.hpp"
#include "lab/cli/compare_records.hpp"
#include "lab/cli/record_files.hpp"

namespace lab::cli {

Command add_compare(CLI::App& app) {
    auto paths = std::make_shared<std::vector<std::string>>();
    CLI::App* sub = app.add_subcommand(
        "compare", "Show each scenario's verdicts on every kernel it ran on (host, VM, other machines) in one table");
    sub->add_option("records", *paths, "record.json files, or directories searched for them (lab run --out, lab vm run)")
        ->required();
    sub->footer("Exit status: 0 the same verdicts on every kernel, 1 some verdict differs, 2 error.");
    return [paths] {
        std::vector<analysis::JudgedRun> runs;
        for (const auto& path : find_record_files(*paths)) {
            record::RunRecord rec = load_record(path);
            auto verdicts = analysis::evaluate(rec);
            runs.push_back({analysis::kernel_label(rec), std::move(rec), std::move(verdicts)});
        }
        return print_comparisons(runs);
    };
}

}  // namespace lab::cli
