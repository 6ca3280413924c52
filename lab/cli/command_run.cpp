#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "analysis/evaluate.hpp"
#include "analysis/summary_table.hpp"
#include "analysis/verdict_table.hpp"
#include "lab/cli/commands.hpp"
#include "lab/cli/interrupt.hpp"
#include "lab/cli/privileges.hpp"
#include "lab/cli/scenario_files.hpp"
#include "runner/scenario_parser.hpp"
#include "runner/scenario_run.hpp"

namespace lab::cli {
namespace {

struct RunArgs {
    std::vector<std::string> paths;
    std::string out = "runs";
    int repeat = 1;
    bool quiet = false;
    std::string impairments = "auto";
};

bool all_pass(const std::vector<record::Verdict>& verdicts) {
    for (const auto& v : verdicts)
        if (v.status == record::VerdictStatus::Fail) return false;
    return true;
}

void write_record(const record::RunRecord& rec) {
    std::string path = rec.run.directory + "/record.json";
    std::ofstream out(path);
    out << record::to_json(rec).dump(1) << '\n';
    if (!out) throw std::runtime_error("cannot write " + path);
}

// Verdict status per expectation for each repeat; an expectation whose status differs between repeats
// is a flaky expectation, which the lab reports as a failure of the scenario, not as luck.
std::vector<std::string> unstable_expectations(const std::vector<std::vector<record::Verdict>>& runs) {
    std::vector<std::string> out;
    if (runs.size() < 2) return out;
    std::map<std::string, std::map<std::string, int>> seen;
    for (const auto& run : runs)
        for (const auto& v : run) seen[v.id][record::to_string(v.status)]++;
    for (const auto& [id, statuses] : seen)
        if (statuses.size() > 1) {
            std::string counts;
            for (const auto& [st, n] : statuses) counts += fmt::format("{}{}×{}", counts.empty() ? "" : ", ", n, st);
            out.push_back(fmt::format("{} ({})", id, counts));
        }
    return out;
}

int run(const RunArgs& args) {
    std::vector<std::string> files = expand_scenario_args(args.paths);
    std::vector<runner::Scenario> scenarios;
    bool invalid = false;
    for (const auto& f : files) {
        try {
            scenarios.push_back(runner::parse_scenario_file(f));
        } catch (const runner::ScenarioError& e) {
            for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", d);
            invalid = true;
        }
    }
    if (invalid) {
        fmt::print(stderr, "lab: nothing was run: fix the scenario errors above\n");
        return kExitError;
    }
    if (!require_root("lab run")) return kExitError;

    runner::RunOptions options;
    options.runs_dir = args.out;
    options.agent_dir = agent_directory();
    options.lab_version = LAB_VERSION;
    options.interrupt = &install_interrupt_handlers();
    options.impairments = *runner::impairment_backend_from(args.impairments);

    int status = kExitPass;
    std::vector<analysis::SummaryRow> summary;
    for (const auto& scenario : scenarios) {
        std::vector<std::vector<record::Verdict>> repeats;
        for (int rep = 0; rep < args.repeat; ++rep) {
            record::RunRecord rec;
            try {
                rec = runner::run_scenario(scenario, options);
            } catch (const std::exception& e) {
                fmt::print(stderr, "lab: {}: {}\n", scenario.file, e.what());
                analysis::SummaryRow row;
                row.scenario = scenario.name;
                row.counts.total = scenario.expectations.size();
                row.outcome = "error";
                summary.push_back(row);
                status = kExitError;
                break;
            }
            rec.verdicts = analysis::evaluate(rec);
            write_record(rec);
            if (!args.quiet) fmt::print("{}\n", analysis::verdict_table(rec, rec.verdicts));
            summary.push_back(analysis::summary_row(rec, rec.verdicts));
            if (rec.run.outcome == "interrupted") {
                fmt::print(stderr, "lab: interrupted ({}); the lab was torn down\n", rec.run.outcome_detail);
                return kExitError;
            }
            if (!all_pass(rec.verdicts) && status == kExitPass) status = kExitFail;
            repeats.push_back(rec.verdicts);
        }
        if (args.repeat > 1) {
            auto unstable = unstable_expectations(repeats);
            if (unstable.empty()) {
                fmt::print("{}: verdicts identical over {} repeats\n", scenario.name, repeats.size());
            } else {
                fmt::print("{}: verdicts NOT identical over {} repeats: {}\n", scenario.name, repeats.size(),
                           fmt::join(unstable, "; "));
                if (status == kExitPass) status = kExitFail;
            }
        }
    }
    if (summary.size() > 1 || args.quiet) fmt::print("{}\n", analysis::summary_table(summary));
    return status;
}

}  // namespace

Command add_run(CLI::App& app) {
    auto args = std::make_shared<RunArgs>();
    CLI::App* sub = app.add_subcommand("run", "Build the lab of each scenario, replay its timeline and judge it");
    sub->add_option("scenarios", args->paths, "Scenario files, or directories of *.toml scenarios")->required();
    sub->add_option("--out", args->out, "Directory that receives one run directory per run")->capture_default_str();
    sub->add_option("--repeat", args->repeat, "Run each scenario N times and check that the verdicts are identical")
        ->check(CLI::Range(1, 100));
    sub->add_flag("-q,--quiet", args->quiet, "Print only the summary, not each verdict table");
    sub->add_option("--impairments", args->impairments,
                    "Backend for link impairments and events: netem (kernel qdisc), userspace (lab-wire), or "
                    "auto (netem where the kernel has it)")
        ->check(CLI::IsMember({"auto", "netem", "userspace"}))
        ->capture_default_str();
    sub->footer("Exit status: 0 every expectation held, 1 some did not, 2 error (nothing judged).");
    return [args] { return run(*args); };
}

}  // namespace lab::cli
