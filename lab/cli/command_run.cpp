#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "analysis/evaluate.hpp"
#include "analysis/number_text.hpp"
#include "analysis/summary_table.hpp"
#include "analysis/verdict_table.hpp"
#include "lab/cli/commands.hpp"
#include "lab/cli/interrupt.hpp"
#include "lab/cli/job_pool.hpp"
#include "lab/cli/privileges.hpp"
#include "lab/cli/junit_file.hpp"
#include "lab/cli/record_output.hpp"
#include "lab/cli/run_summary_json.hpp"
#include "lab/cli/scenario_files.hpp"
#include "runner/scenario_run.hpp"
#include "runner/sweep_kernel.hpp"
#include "sys/directory.hpp"

namespace lab::cli {
namespace {

struct RunArgs {
    std::vector<std::string> paths;
    std::string out = "runs";
    int repeat = 1;
    bool quiet = false;
    std::string impairments = "auto";
    int jobs = 4;
    std::vector<std::string> sets;  // NAME=VALUE: the sweep cell to run
    bool json = false;               // the summary as JSON on stdout; everything else to stderr
    std::string junit;               // a JUnit XML file of every run's verdicts
};

bool all_pass(const std::vector<record::Verdict>& verdicts) {
    for (const auto& v : verdicts)
        if (v.status == record::VerdictStatus::Fail) return false;
    return true;
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

// A run that failed before it had a record (its directory could not be made, the kernel refused a
// namespace) still appears in --json and --junit: as a record with outcome "error", its expectations
// listed and none judged.
record::RunRecord record_of_failed_start(const runner::Scenario& scenario, const std::string& why) {
    record::RunRecord r;
    r.scenario.name = scenario.name;
    r.scenario.summary = scenario.summary;
    r.scenario.file = scenario.file;
    r.run.outcome = record::RunOutcome::Error;
    r.run.outcome_detail = why;
    r.expectations = scenario.expectations;
    return r;
}

// What one scenario's runs produced, kept until it is this scenario's turn to print: scenarios run
// side by side, but their tables appear in the order they were given, whatever finished first.
struct ScenarioOutcome {
    std::string out;
    std::string err;
    std::vector<analysis::SummaryRow> rows;
    std::vector<record::RunRecord> records;  // every run's, judged; a stand-in for a run that never began
    std::vector<std::string> unstable;      // expectations whose verdicts changed between repeats
    int status = kExitPass;
    bool interrupted = false;
};

ScenarioOutcome run_one(const runner::Scenario& scenario, const runner::RunOptions& options, const RunArgs& args) {
    ScenarioOutcome o;
    std::vector<std::vector<record::Verdict>> repeats;
    for (int rep = 0; rep < args.repeat; ++rep) {
        std::optional<runner::RunResult> result;
        try {
            result.emplace(runner::run_scenario(scenario, options));
        } catch (const std::exception& e) {
            o.err += fmt::format("lab: {}: {}\n", scenario.file, e.what());
            analysis::SummaryRow row;
            row.scenario = scenario.name;
            row.counts.total = scenario.expectations.size();
            row.outcome = "error";
            o.rows.push_back(row);
            o.records.push_back(record_of_failed_start(scenario, e.what()));
            o.status = kExitError;
            return o;
        }
        record::RunRecord& rec = result->record;
        if (const std::string note = judge_and_write(rec, result->directory); !note.empty())
            o.err += fmt::format("lab: {}: {}\n", scenario.file, note);
        o.records.push_back(rec);
        if (rec.run.outcome == record::RunOutcome::Error) {
            o.err += fmt::format("lab: {}: {} (record: {}/record.json)\n", scenario.file, rec.run.outcome_detail,
                                 rec.run.directory);
            o.rows.push_back(analysis::summary_row(rec, rec.verdicts));
            o.status = kExitError;
            return o;
        }
        if (!args.quiet) o.out += fmt::format("{}\n", analysis::verdict_table(rec, rec.verdicts));
        o.rows.push_back(analysis::summary_row(rec, rec.verdicts));
        if (rec.run.outcome == record::RunOutcome::Interrupted) {
            o.err += fmt::format("lab: interrupted ({}); the lab was torn down\n", rec.run.outcome_detail);
            o.interrupted = true;
            o.status = kExitError;
            return o;
        }
        if (!all_pass(rec.verdicts) && o.status == kExitPass) o.status = kExitFail;
        repeats.push_back(rec.verdicts);
    }
    if (args.repeat > 1) {
        auto unstable = unstable_expectations(repeats);
        o.unstable = unstable;
        if (unstable.empty()) {
            o.out += fmt::format("{}: verdicts identical over {} repeats\n", scenario.name, repeats.size());
        } else {
            o.out += fmt::format("{}: verdicts NOT identical over {} repeats: {}\n", scenario.name, repeats.size(),
                                 fmt::join(unstable, "; "));
            if (o.status == kExitPass) o.status = kExitFail;
        }
    }
    return o;
}

// Scenarios run side by side (job_pool.hpp); each scenario's repeats stay one after another, and the
// tables appear in the order the scenarios were given.
class ScenarioQueue {
public:
    ScenarioQueue(const std::vector<runner::Scenario>& scenarios, const runner::RunOptions& options, const RunArgs& args)
        : scenarios_(scenarios), options_(options), args_(args), outcomes_(scenarios.size()) {}

    // Every run's record, in the order the scenarios were given (after run()).
    std::vector<const record::RunRecord*> records() const {
        std::vector<const record::RunRecord*> out;
        for (const auto& o : outcomes_)
            if (o)
                for (const auto& r : o->records) out.push_back(&r);
        return out;
    }

    std::vector<std::string> unstable() const {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < outcomes_.size(); ++i)
            if (outcomes_[i])
                for (const auto& u : outcomes_[i]->unstable) out.push_back(scenarios_[i].name + ": " + u);
        return out;
    }

    std::vector<analysis::SummaryRow> run(int jobs, int& status) {
        run_jobs(scenarios_.size(), jobs, [this](std::size_t i) { run_and_print(i); }, [this] {
            std::lock_guard lock(mutex_);
            return interrupted_;
        });
        std::vector<analysis::SummaryRow> summary;
        status = kExitPass;
        for (const auto& o : outcomes_) {
            if (!o) continue;  // never started: an interrupt stopped the queue first
            summary.insert(summary.end(), o->rows.begin(), o->rows.end());
            if (o->status == kExitError || (o->status == kExitFail && status == kExitPass)) status = o->status;
        }
        if (interrupted_) status = kExitError;
        return summary;
    }

    bool interrupted() const { return interrupted_; }

private:
    void run_and_print(std::size_t i) {
        ScenarioOutcome o = run_one(scenarios_[i], options_, args_);
        std::lock_guard lock(mutex_);
        if (o.interrupted) interrupted_ = true;
        outcomes_[i] = std::move(o);
        print_ready();
    }

    // Prints every finished outcome whose predecessors have all been printed.
    void print_ready() {
        while (printed_ < outcomes_.size() && outcomes_[printed_]) {
            const ScenarioOutcome& o = *outcomes_[printed_];
            if (!o.out.empty()) fmt::print(args_.json ? stderr : stdout, "{}", o.out);
            if (!o.err.empty()) fmt::print(stderr, "{}", o.err);
            std::fflush(stdout);
            ++printed_;
        }
    }

    const std::vector<runner::Scenario>& scenarios_;
    const runner::RunOptions& options_;
    const RunArgs& args_;
    std::vector<std::optional<ScenarioOutcome>> outcomes_;
    std::mutex mutex_;
    std::size_t printed_ = 0;
    bool interrupted_ = false;
};

int run(const RunArgs& args) {
    std::map<std::string, std::string> sweep_set;
    for (const auto& s : args.sets) {
        auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == s.size()) {
            fmt::print(stderr, "lab: --set {}: write NAME=VALUE\n", s);
            return kExitError;
        }
        sweep_set[s.substr(0, eq)] = s.substr(eq + 1);
    }
    auto loaded = load_scenarios_or_report(args.paths, "lab", sweep_set);
    if (!loaded) return kExitError;
    const std::vector<runner::Scenario>& scenarios = *loaded;
    for (const auto& s : scenarios) {
        if (!s.sweep) continue;
        const runner::KernelPlacement placement = runner::kernel_placement(s.sweep->values);
        if (runner::runs_here(placement, runner::guest_kernel_package())) continue;
        fmt::print(stderr,
                   "lab: {}: the cell {} runs in a guest on {}: `lab sweep` boots it there, `lab run` plays only cells "
                   "of this machine's kernel (--set kernel=host)\n",
                   s.file, runner::describe_cell(s.sweep->values), placement.package);
        return kExitError;
    }
    if (!require_root("lab run")) return kExitError;

    // Opened and checked once, before anything is built: a place another user could swap is refused here.
    const sys::Directory out = sys::Directory::open_or_create(args.out, 0755);
    runner::RunOptions options;
    options.out = &out;
    options.agent_dir = agent_directory();
    options.lab_version = LAB_VERSION;
    options.interrupt = &install_interrupt_handlers();
    options.impairments = *runner::impairment_backend_from(args.impairments);

    ScenarioQueue queue(scenarios, options, args);
    int status = kExitPass;
    const auto started = std::chrono::steady_clock::now();
    std::vector<analysis::SummaryRow> summary = queue.run(args.jobs, status);
    // Whatever ran is reported, an interrupted run too: a CI system shows its errors rather than nothing.
    if (!args.junit.empty()) {
        try {
            write_junit_file(args.junit, queue.records());
        } catch (const std::exception& e) {
            fmt::print(stderr, "lab: --junit {}: {}\n", args.junit, e.what());
            status = kExitError;
        }
    }
    if (queue.interrupted()) status = kExitError;
    if (args.json) fmt::print("{}\n", run_summary_json(queue.records(), queue.unstable(), status).dump(2));
    if (queue.interrupted()) return kExitError;
    if (summary.size() > 1 || args.quiet) {
        std::FILE* to = args.json ? stderr : stdout;
        fmt::print(to, "{}", analysis::summary_table(summary));
        if (scenarios.size() > 1)
            fmt::print(to, "elapsed {} with up to {} scenarios at a time\n",
                       analysis::seconds_text(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()),
                       std::min<std::size_t>(static_cast<std::size_t>(args.jobs), scenarios.size()));
        fmt::print(to, "\n");
    }
    return status;
}

}  // namespace

Command add_run(CLI::App& app) {
    auto args = std::make_shared<RunArgs>();
    CLI::App* sub = app.add_subcommand("run", "Build the lab of each scenario, replay its timeline and judge it");
    sub->add_option("scenarios", args->paths,
                    "Scenario files, directories of *.toml scenarios, or catalogue names (lab list)")
        ->required();
    sub->add_option("--out", args->out, "Directory that receives one run directory per run")->capture_default_str();
    sub->add_option("--repeat", args->repeat, "Run each scenario N times and check that the verdicts are identical")
        ->check(CLI::Range(1, 100));
    sub->add_option("-j,--jobs", args->jobs,
                    "Scenarios run at the same time (each in its own namespaces; a scenario's repeats run one "
                    "after another). 1 gives every scenario the machine to itself")
        ->check(CLI::Range(1, 32))
        ->capture_default_str();
    sub->add_flag("-q,--quiet", args->quiet, "Print only the summary, not each verdict table");
    sub->add_option("--set", args->sets,
                    "For a scenario with a [sweep] table: run the cell with NAME=VALUE instead of the default "
                    "(repeatable); the record is the same as that cell's in `lab sweep`")
        ->allow_extra_args(false);  // one NAME=VALUE per --set: `--set a=1 FILE` leaves FILE to the positional
    sub->add_option("--impairments", args->impairments,
                    "Backend for link impairments and events: netem (kernel qdisc), userspace (lab-wire), or "
                    "auto (netem where the kernel has it)")
        ->check(CLI::IsMember({"auto", "netem", "userspace"}))
        ->capture_default_str();
    sub->add_flag("--json", args->json,
                  "The summary as one JSON document on stdout (docs/json-output.md); verdict tables and "
                  "progress go to stderr");
    sub->add_option("--junit", args->junit,
                    "Also write the verdicts as JUnit XML to FILE: one testcase per expectation, a failure with "
                    "expected, observed and where (file:line:column)");
    sub->footer("Exit status: 0 every expectation held, 1 some did not, 2 error (nothing judged).");
    return [args] { return run(*args); };
}

}  // namespace lab::cli
