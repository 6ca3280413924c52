// lab sweep: one scenario over the grid of its [sweep] table, each cell × repeat an ordinary run with its
// own run directory and record, side by side, in a seeded shuffled order; then the tables and plots.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>

#include <CLI/CLI.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/number_text.hpp"
#include "analysis/sweep_overview.hpp"
#include "analysis/sweep_pivot.hpp"
#include "analysis/verdict_counts.hpp"
#include "lab/cli/commands.hpp"
#include "lab/cli/interrupt.hpp"
#include "lab/cli/job_pool.hpp"
#include "lab/cli/privileges.hpp"
#include "lab/cli/record_output.hpp"
#include "lab/cli/scenario_files.hpp"
#include "lab/cli/sweep_manifest.hpp"
#include "lab/cli/sweep_merge.hpp"
#include "lab/cli/sweep_guests.hpp"
#include "lab/cli/sweep_submit.hpp"
#include "lab/cluster/shard.hpp"
#include "lab/cluster/shard_split.hpp"
#include "lab/cli/sweep_progress.hpp"
#include "lab/cli/sweep_reports.hpp"
#include "lab/cli/sudo_caller.hpp"
#include "runner/scenario_parser.hpp"
#include "runner/scenario_run.hpp"
#include "runner/sweep_kernel.hpp"
#include "runner/sweep_plan.hpp"
#include "sys/directory.hpp"

namespace fs = std::filesystem;

namespace lab::cli {
namespace {

// Besides the timeline itself, a run builds and tears down its lab and stops its processes.
constexpr double kRunOverheadSeconds = 2.0;

struct SweepArgs {
    std::string file;
    std::optional<int> repeat;
    int jobs = 4;
    std::string order = "shuffled";
    std::optional<std::uint64_t> seed;
    std::string out;
    bool dry_run = false;
    bool resume = false;
    std::vector<std::string> vars;  // NAME=V1,V2
    std::vector<std::string> sets;  // NAME=V
    std::string impairments = "auto";
    std::string report_dir;         // lab sweep report DIR
    std::string shard;              // --shard I/N
    std::optional<int> shard_count; // with the engine's index variable
    bool submit = false;            // lab sweep submit FILE
    SweepSubmitArgs submit_args;
    bool merge = false;             // lab sweep merge DIR...
    SweepMergeArgs merge_args;
};

struct Job {
    std::size_t cell = 0;
    int repeat = 0;
};

std::string utc_stamp(const char* format) {
    return fmt::format(fmt::runtime(format), fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

std::pair<std::string, std::string> split_assignment(const std::string& text, const char* option) {
    auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        throw std::runtime_error(fmt::format("{} {}: write NAME=VALUE", option, text));
    return {text.substr(0, eq), text.substr(eq + 1)};
}

runner::SweepOverrides overrides_of(const SweepArgs& a) {
    runner::SweepOverrides o;
    for (const auto& v : a.vars) {
        auto [name, list] = split_assignment(v, "--var");
        std::vector<std::string> values;
        for (std::size_t start = 0;;) {
            auto comma = list.find(',', start);
            values.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        o.values[name] = values;
    }
    for (const auto& s : a.sets) o.fixed.insert(split_assignment(s, "--set"));
    return o;
}

// The timeline's own length: the last step's time, or the time limit when a wait may hold it that long.
double estimated_run_seconds(const runner::SweepCellOutline& cell) {
    return to_seconds(cell.last_step_at) + kRunOverheadSeconds;
}

SweepManifest manifest_of(const runner::SweepPlan& plan, const SweepArgs& a, int repeats, std::uint64_t seed) {
    SweepManifest m;
    m.label = plan.spec.label;
    m.scenario_name = plan.cells.front().name;
    m.scenario_file = fs::absolute(plan.file).string();
    m.scenario_hash = plan.text_hash;
    m.lab_version = LAB_VERSION;
    m.created_at = utc_stamp("{:%Y-%m-%dT%H:%M:%SZ}");
    m.order = a.order;
    m.seed = seed;
    m.repeats = repeats;
    m.variables = plan.spec.axes();
    for (const auto& c : plan.cells) m.cells.push_back({c.sweep->cell_id, c.sweep->values});
    return m;
}

// Cells × repeats in the order they will be played: a seeded shuffle by default, so that a slow drift of
// the machine (a build starting, a disk filling) spreads over the grid instead of following one variable.
std::vector<Job> job_order(std::size_t cells, int repeats, const std::string& order, std::uint64_t seed) {
    std::vector<Job> jobs;
    for (int r = 0; r < repeats; ++r)
        for (std::size_t c = 0; c < cells; ++c) jobs.push_back({c, r});
    if (order == "shuffled") {
        std::mt19937_64 rng(seed);
        // Fisher-Yates with our own draws: std::shuffle's use of the engine differs between libraries, and a
        // recorded seed must give the same order anywhere.
        for (std::size_t i = jobs.size(); i > 1; --i) std::swap(jobs[i - 1], jobs[rng() % i]);
    }
    return jobs;
}

// The newest sweep directory of this label under the default place, for --resume without --out.
std::optional<fs::path> latest_sweep_dir(const fs::path& parent, const std::string& label) {
    std::optional<fs::path> best;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(parent, ec)) {
        const std::string name = e.path().filename().string();
        if (!name.starts_with(label + "-") || !fs::exists(e.path() / kSweepManifestFile)) continue;
        if (!best || name > best->filename().string()) best = e.path();
    }
    return best;
}

// Whether a record says its run was cut short by an interrupt. An older lab recorded an interrupt that
// landed while prestarted copies were starting as an error, "interrupted while starting 'NAME'".
bool record_interrupted(const nlohmann::json& run) {
    const std::string outcome = run.value("outcome", "");
    return outcome == "interrupted" ||
           (outcome == "error" && run.value("outcome_detail", "").starts_with("interrupted while starting"));
}

// Whether a run of this sweep is done: its record exists and the run was not cut short by an interrupt.
// A directory without one is what a crash or a kill left, and an interrupted run judged nothing: either
// is removed, so that the run made again is the only record of its cell and repeat.
bool run_done(const sys::Directory& runs, const std::string& name) {
    if (!runs.contains(name)) return false;
    auto dir = runs.existing_subdirectory(name);
    std::optional<std::string> text;
    if (dir) {
        try {
            text = dir->read_file("record.json");
        } catch (const std::exception&) {
        }
    }
    if (text) {
        auto j = nlohmann::json::parse(*text, nullptr, false);
        if (!j.is_discarded() && j.contains("run") && j["run"].is_object() && !record_interrupted(j["run"])) return true;
    }
    runs.remove(name);
    return false;
}

// The command that finishes this sweep: the same grid and repeats (a resume with others is refused).
std::string resume_command(const SweepArgs& a, const fs::path& dir) {
    std::string command = fmt::format("lab sweep {} --resume --out {}", a.file, dir.string());
    if (a.repeat) command += fmt::format(" --repeat {}", *a.repeat);
    for (const auto& v : a.vars) command += " --var " + v;
    for (const auto& s : a.sets) command += " --set " + s;
    return command;
}

// The options every shard of a submitted sweep is run with: the grid and repeats the plan was made with.
std::vector<std::string> sweep_options(const SweepArgs& a, const std::string& order, std::uint64_t seed) {
    std::vector<std::string> options;
    if (a.repeat) options.insert(options.end(), {"--repeat", std::to_string(*a.repeat)});
    for (const auto& v : a.vars) options.insert(options.end(), {"--var", v});
    for (const auto& x : a.sets) options.insert(options.end(), {"--set", x});
    options.insert(options.end(), {"--order", order, "--seed", std::to_string(seed), "--impairments", a.impairments});
    return options;
}

// This process's part of the sweep: --shard, else the batch engine's variables, else the whole grid.
std::optional<cluster::Shard> shard_of(const SweepArgs& a) {
    if (!a.shard.empty()) return cluster::parse_shard(a.shard);
    auto shard = cluster::shard_from_environment(
        [](const std::string& name) -> std::optional<std::string> {
            const char* v = std::getenv(name.c_str());
            return v ? std::optional<std::string>(v) : std::nullopt;
        },
        a.shard_count);
    if (!shard && a.shard_count)
        throw std::invalid_argument(fmt::format(
            "--shard-count {}: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set: give --shard INDEX/{}",
            *a.shard_count, *a.shard_count));
    return shard;
}

void print_dry_run(const runner::SweepPlan& plan, const std::vector<Job>& jobs, int repeats, int workers) {
    fmt::print("sweep {} of {}: {} cell{} × {} repeat{} = {} run{}\n\n", plan.spec.label, plan.file, plan.outline.size(),
               plan.outline.size() == 1 ? "" : "s", repeats, repeats == 1 ? "" : "s", jobs.size(), jobs.size() == 1 ? "" : "s");
    fmt::print("{:<12}  {}\n", "cell", "values");
    for (const auto& c : plan.outline) fmt::print("{:<12}  {}\n", c.cell_id, runner::describe_cell(c.values));
    double total = 0, worst = 0;
    for (const auto& j : jobs) {
        total += estimated_run_seconds(plan.outline[j.cell]);
        worst += to_seconds(plan.outline[j.cell].time_limit) + kRunOverheadSeconds;
    }
    const double lanes = std::min<double>(workers, static_cast<double>(jobs.size()));
    // A floor, not a forecast: parallel runs share the CPUs, so on a small machine the sweep takes longer
    // (the shipped sweeps at -j 8 on 2 cores: 1.25–1.6 × this floor; bench/sweep/RESULTS.md).
    fmt::print("\nwall time at -j {}: at least {} (every step on time, ~{:.0f} s of set-up and teardown per run), at "
               "most {} (every run to its time limit)\n",
               workers, short_duration(total / lanes), kRunOverheadSeconds, short_duration(worst / lanes));
}

// The shard's jobs, in the order given. The split is by cell id and estimated time, so that every task of
// the sweep, computing it alone, agrees on who runs what.
std::vector<Job> shard_jobs(const runner::SweepPlan& plan, const std::vector<Job>& jobs, const cluster::Shard& shard) {
    std::vector<cluster::ShardRun> runs;
    for (const auto& j : jobs)
        runs.push_back({plan.outline[j.cell].cell_id, j.repeat, estimated_run_seconds(plan.outline[j.cell])});
    const std::vector<int> shard_of_run = cluster::split_into_shards(runs, shard.count);
    std::vector<Job> mine;
    for (std::size_t i = 0; i < jobs.size(); ++i)
        if (shard_of_run[i] == shard.index) mine.push_back(jobs[i]);
    return mine;
}

// The jobs this process plays itself, and those of each guest kernel (in the order the grid first names
// them). In a guest, only its own kernel's jobs are played; other kernels' are other guests' work.
struct KernelSplit {
    std::vector<Job> here;
    std::vector<std::pair<std::string, std::vector<Job>>> guests;
};

KernelSplit split_by_kernel(const runner::SweepPlan& plan, const std::vector<Job>& jobs) {
    KernelSplit split;
    const std::optional<std::string> guest = runner::guest_kernel_package();
    for (const auto& j : jobs) {
        const runner::KernelPlacement placement = runner::kernel_placement(plan.outline[j.cell].values);
        if (runner::runs_here(placement, guest)) {
            split.here.push_back(j);
        } else if (!guest) {
            auto it = std::find_if(split.guests.begin(), split.guests.end(),
                                   [&](const auto& g) { return g.first == placement.package; });
            if (it == split.guests.end()) it = split.guests.insert(split.guests.end(), {placement.package, {}});
            it->second.push_back(j);
        }
    }
    return split;
}

class SweepRun {
public:
    SweepRun(const runner::SweepPlan& plan, const SweepArgs& args, const sys::Directory& runs, int repeats,
             const std::atomic<int>& interrupt)
        : plan_(plan), args_(args), runs_(runs), repeats_(repeats), interrupt_(interrupt) {}

    // Plays the jobs not done yet; returns how many runs failed an expectation and how many errored.
    void play(const std::vector<Job>& jobs) {
        std::vector<Job> todo;
        for (const auto& j : jobs)
            if (!run_done(runs_, run_name(plan_.cells[j.cell].sweep->cell_id, j.repeat))) todo.push_back(j);
        progress_.emplace(jobs.size(), jobs.size() - todo.size(), stdout);
        runner::RunOptions base;
        base.out = &runs_;
        base.agent_dir = agent_directory();
        base.lab_version = LAB_VERSION;
        base.interrupt = &interrupt_;
        base.impairments = *runner::impairment_backend_from(args_.impairments);
        base.repeats = repeats_;
        run_jobs(todo.size(), args_.jobs, [&](std::size_t i) { play_one(todo[i], base); },
                 [&] { return interrupt_.load() != 0; });
        progress_->close();
    }

    int failed() const { return failed_; }
    int errors() const { return errors_; }
    int unrecorded() const { return unrecorded_; }

private:
    void play_one(const Job& job, runner::RunOptions options) {
        const runner::Scenario& cell = plan_.cells[job.cell];
        options.run_name = run_name(cell.sweep->cell_id, job.repeat);
        options.repeat = job.repeat;
        const std::string what = fmt::format("{} #{}", runner::describe_cell(cell.sweep->values), job.repeat + 1);
        std::string verdict;
        bool failed = false;
        try {
            runner::RunResult result = runner::run_scenario(cell, options);
            const std::string plots_note = judge_and_write(result.record, result.directory);
            const auto counts = analysis::count_verdicts(result.record.verdicts);
            verdict = fmt::format("{}/{} passed, {}", counts.passed, counts.total,
                                  analysis::seconds_text(result.record.run.wall_seconds));
            if (!plots_note.empty()) verdict += fmt::format(" ({})", plots_note);
            if (result.record.run.outcome != record::RunOutcome::Completed)
                verdict += fmt::format(" ({}: {})", record::to_string(result.record.run.outcome), result.record.run.outcome_detail);
            std::lock_guard lock(mutex_);
            if (result.record.run.outcome == record::RunOutcome::Interrupted) {
                verdict = "interrupted (run again by --resume)";
            } else if (result.record.run.outcome == record::RunOutcome::Error) {
                ++errors_;
                failed = true;
            } else if (counts.failed > 0) {
                ++failed_;
                failed = true;
            }
        } catch (const std::exception& e) {
            if (interrupt_.load() != 0) {
                // Stopped before its run directory existed: nothing to keep, and --resume runs it.
                verdict = fmt::format("interrupted before it started: {} (run again by --resume)", e.what());
            } else {
                verdict = fmt::format("error: {}", e.what());
                std::lock_guard lock(mutex_);
                ++errors_;
                ++unrecorded_;
                failed = true;
            }
        }
        progress_->finished(what, verdict, failed);
    }

    const runner::SweepPlan& plan_;
    const SweepArgs& args_;
    const sys::Directory& runs_;
    int repeats_;
    const std::atomic<int>& interrupt_;
    std::optional<SweepProgress> progress_;
    std::mutex mutex_;
    int failed_ = 0;
    int errors_ = 0;
    int unrecorded_ = 0;  // errors before the run had a directory: no record says they happened
};

void print_outcome(const WrittenReports& w, const fs::path& dir) {
    const analysis::SweepOverview overview = analysis::sweep_overview(w.sweep, analysis::pivot_layout(w.sweep));
    fmt::print("\n{}\n", overview.verdict_total);
    for (const auto& line : overview.cells)
        if (!line.marks.empty()) fmt::print("  {} {}\n", line.marks, line.cell);
    fmt::print("reports in {}: report.md, report.html, results.csv, results.jsonl, junit.xml{}\n", dir.string(),
               w.plots_note.empty() ? ", plots/" : fmt::format(" (plots: {})", w.plots_note));
}

// Whether a sweep directory is meant to hold the whole grid: not when its sweep.json says it is one shard.
bool holds_whole_grid(const sys::Directory& dir) {
    try {
        if (auto text = dir.read_file(kSweepManifestFile)) return !manifest_from_json(*text).shard;
    } catch (const std::exception&) {
    }
    return true;
}

// The exit status of a sweep from the records its directory holds; says on stderr what makes it 2.
int recorded_sweep_status(const WrittenReports& w, bool whole_grid, const char* who) {
    const SweepTally tally = tally_sweep(w.sweep);
    const int status = sweep_exit_status(tally, whole_grid);
    if (status == kExitError)
        fmt::print(stderr, "{}: {} (the tables above count them; `lab sweep FILE --resume --out DIR` runs what was "
                           "interrupted or has no record again)\n",
                   who, sweep_problem_text(tally, whole_grid));
    return status;
}

int sweep_report(const SweepArgs& a) {
    const fs::path dir = fs::absolute(a.report_dir);
    const std::optional<sys::Directory> out = sys::Directory::open_existing(dir);
    if (!out) {
        fmt::print(stderr, "lab sweep report: {}: no such directory\n", dir.string());
        return kExitError;
    }
    auto records = load_sweep_records(*out);
    if (records.empty()) {
        fmt::print(stderr, "lab sweep report: {}: directory holds no record.json\n", dir.string());
        return kExitError;
    }
    WrittenReports w = write_sweep_reports(*out, std::move(records));
    print_outcome(w, dir);
    return recorded_sweep_status(w, holds_whole_grid(*out), "lab sweep report");
}

int sweep(const SweepArgs& a) {
    // Reading records, listing cells, merging shards and handing scripts to a batch engine need no root:
    // under sudo they are done as the caller (a job root submits would run as root).
    if (!a.report_dir.empty() || a.dry_run || a.merge || a.submit) act_as_caller_under_sudo();
    if (!a.report_dir.empty()) return sweep_report(a);
    if (a.merge) return merge_sweep(a.merge_args);
    if (a.file.empty()) {
        fmt::print(stderr, "lab sweep: give a scenario file with a [sweep] table (or `lab sweep report DIR`)\n");
        return kExitError;
    }
    runner::SweepPlan plan;
    try {
        // --dry-run lists ids, values and times only: its cells are validated one at a time and not kept.
        plan = a.dry_run ? runner::outline_sweep(resolve_scenario_file(a.file), overrides_of(a))
                         : runner::plan_sweep(resolve_scenario_file(a.file), overrides_of(a));
    } catch (const runner::ScenarioError& e) {
        for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", d);
        fmt::print(stderr, "lab sweep: nothing was run: fix the errors above\n");
        return kExitError;
    }
    const int repeats = a.repeat.value_or(plan.spec.repeats);
    std::uint64_t seed = a.seed.value_or(std::random_device{}());
    std::vector<Job> jobs = job_order(plan.outline.size(), repeats, a.order, seed);
    if (a.submit) {
        SubmittedSweep submitted{plan.spec.label, a.file, a.out, plan.cells.size(), repeats, sweep_options(a, a.order, seed)};
        return submit_sweep(a.submit_args, submitted, install_interrupt_handlers());
    }
    std::optional<cluster::Shard> shard;
    try {
        shard = shard_of(a);
    } catch (const std::invalid_argument& e) {
        fmt::print(stderr, "lab sweep: {}\n", e.what());
        return kExitError;
    }
    const std::size_t grid_runs = jobs.size();
    if (shard) {
        jobs = shard_jobs(plan, jobs, *shard);
        fmt::print("{} of the sweep {}: {} of its {} runs\n", cluster::shard_text(*shard), plan.spec.label, jobs.size(), grid_runs);
    }
    const KernelSplit split = split_by_kernel(plan, jobs);
    if (a.dry_run) {
        print_dry_run(plan, jobs, repeats, a.jobs);
        for (const auto& [package, guest_jobs] : split.guests)
            fmt::print("kernel vm:{}: {} run{} in one qemu guest on that Debian kernel (lab vm run), one at a time\n",
                       package, guest_jobs.size(), guest_jobs.size() == 1 ? "" : "s");
        return kExitPass;
    }
    if (!require_root("lab sweep")) return kExitError;
    const std::atomic<int>& interrupt = install_interrupt_handlers();

    // The sweep's directory: new, or the one being resumed (the same scenario text, grid and repeats).
    const fs::path default_parent = fs::path("runs") / "sweeps";
    fs::path dir = a.out.empty() ? default_parent / fmt::format("{}-{}", plan.spec.label, utc_stamp("{:%Y%m%d-%H%M%S}"))
                                 : fs::path(a.out);
    std::optional<sys::Directory> sweep_dir;
    SweepManifest manifest = manifest_of(plan, a, repeats, seed);
    if (shard) manifest.shard = ShardPart{shard->index, shard->count};
    if (a.resume) {
        if (a.out.empty()) {
            auto latest = latest_sweep_dir(default_parent, plan.spec.label);
            if (!latest) {
                fmt::print(stderr, "lab sweep: --resume: no sweep of '{}' under {} (name one with --out)\n", plan.spec.label,
                           default_parent.string());
                return kExitError;
            }
            dir = *latest;
        }
        sweep_dir = sys::Directory::open_existing(dir);
        auto text = sweep_dir ? sweep_dir->read_file(kSweepManifestFile) : std::nullopt;
        if (!text) {
            fmt::print(stderr, "lab sweep: --resume: {} holds no {}\n", dir.string(), kSweepManifestFile);
            return kExitError;
        }
        const SweepManifest stored = manifest_from_json(*text);
        if (auto why = resume_mismatch(stored, manifest); !why.empty()) {
            fmt::print(stderr, "lab sweep: --resume {}: {}\n", dir.string(), why);
            return kExitError;
        }
        manifest = stored;  // its order and seed, so that a resumed sweep plays the rest in the same order
        jobs = job_order(plan.cells.size(), repeats, stored.order, stored.seed);
        if (shard) jobs = shard_jobs(plan, jobs, *shard);
    } else {
        const fs::path absolute = fs::absolute(dir).lexically_normal();
        sweep_dir = sys::Directory::open_or_create(absolute.parent_path()).create_subdirectory(absolute.filename().string(), 0755);
        sweep_dir->write_file(kSweepManifestFile, manifest_json(manifest), 0644);
    }
    const sys::Directory runs = sweep_dir->subdirectory("runs", 0755);
    fmt::print("sweep {}: {} cell{} × {} repeat{} = {} run{}, {} order (seed {}), up to {} at a time, into {}\n",
               plan.spec.label, plan.cells.size(), plan.cells.size() == 1 ? "" : "s", repeats, repeats == 1 ? "" : "s",
               jobs.size(), jobs.size() == 1 ? "" : "s", manifest.order, manifest.seed, a.jobs, dir.string());

    if (jobs.empty()) {
        // More shards than runs: this one has nothing to do, and its directory says so (sweep.json).
        fmt::print("nothing to run in this shard: the split gives its {} runs to the other shards\n", grid_runs);
        return kExitPass;
    }
    SweepRun run(plan, a, runs, repeats, interrupt);
    // Resumed, the job list follows the recorded order and seed: the split is made again from it.
    const KernelSplit to_play = a.resume ? split_by_kernel(plan, jobs) : split;
    if (!to_play.here.empty()) run.play(to_play.here);
    int guest_failed = 0, guest_errors = 0;
    for (const auto& [package, guest_jobs] : to_play.guests) {
        if (interrupt.load() != 0) break;
        GuestSweep g;
        g.package = package;
        g.scenario_file = fs::absolute(plan.file).string();
        g.sweep_options = sweep_options(a, manifest.order, manifest.seed);  // the recorded ones, as the host plays them
        if (shard) g.sweep_options.insert(g.sweep_options.end(), {"--shard", fmt::format("{}/{}", shard->index, shard->count)});
        for (const auto& j : guest_jobs) {
            g.run_names.push_back(run_name(plan.cells[j.cell].sweep->cell_id, j.repeat));
            g.time_limit_seconds += to_seconds(plan.cells[j.cell].time_limit);
        }
        fmt::print("kernel vm:{}: {} run{} in a qemu guest\n", package, guest_jobs.size(), guest_jobs.size() == 1 ? "" : "s");
        const GuestSweepOutcome o = run_guest_sweep(g, *sweep_dir, interrupt);
        if (o.skipped)
            fmt::print("kernel vm:{}: every run has a record already (kept)\n", package);
        else
            fmt::print("kernel vm:{} ({}): {} of {} runs recorded, {} failed an expectation, {} errored or missing{}\n",
                       package, o.release.empty() ? "no guest" : o.release, o.recorded, guest_jobs.size(), o.failed,
                       o.errors, o.problem.empty() ? "" : " — " + o.problem);
        guest_failed += o.failed;
        guest_errors += o.errors;
    }
    // Through the directory held since the start: renamed meanwhile, the sweep still reports its own runs.
    WrittenReports w = write_sweep_reports(*sweep_dir, load_sweep_records(*sweep_dir));
    print_outcome(w, dir);
    if (interrupt.load() != 0) {
        fmt::print(stderr, "lab sweep: interrupted; `{}` runs what is left (the tables above hold the runs done so far)\n",
                   resume_command(a, dir));
        return kExitError;
    }
    if (run.unrecorded() > 0)
        fmt::print(stderr,
                   "lab sweep: {} run{} ended in an error before writing a record (the lines above say why; the tables "
                   "count {} missing); `{}` runs them again\n",
                   run.unrecorded(), run.unrecorded() == 1 ? "" : "s", run.unrecorded() == 1 ? "it as" : "them as",
                   resume_command(a, dir));
    // This invocation's runs, and every record the directory holds (a resumed sweep's earlier runs too).
    const int played = run.errors() + guest_errors > 0 ? kExitError : run.failed() + guest_failed > 0 ? kExitFail : kExitPass;
    return std::max(played, recorded_sweep_status(w, !shard, "lab sweep"));
}

}  // namespace

Command add_sweep(CLI::App& app) {
    auto a = std::make_shared<SweepArgs>();
    CLI::App* sub = app.add_subcommand(
        "sweep", "Run a scenario over the grid of its [sweep] table (cells × repeats side by side) and write "
                 "comparison tables and plots");
    sub->add_option("scenario", a->file,
                    "A scenario file with a [sweep] table (docs/scenario-format.md#sweeps), or its name in the catalogue");
    sub->add_option("--repeat", a->repeat, "Runs per cell (default: the [sweep] table's repeat, else 1)")
        ->check(CLI::Range(1, 100));
    sub->add_option("-j,--jobs", a->jobs, "Runs at the same time, each in namespaces of its own")
        ->check(CLI::Range(1, 32))
        ->capture_default_str();
    sub->add_option("--order", a->order,
                    "shuffled: a seeded random order, so that a machine that drifts spreads its drift over the grid; "
                    "grid: cell by cell as the grid lists them, each repeat after the whole grid")
        ->check(CLI::IsMember({"shuffled", "grid"}))
        ->capture_default_str();
    sub->add_option("--seed", a->seed, "Seed of the shuffled order (default: a random one; sweep.json records it)");
    sub->add_option("--out", a->out,
                    "The sweep's directory (default runs/sweeps/<sweep>-<UTC time>); with --resume, the sweep to finish");
    sub->add_flag("--dry-run", a->dry_run,
                  "List the cells with their ids and an estimate of the wall time, and run nothing (no root needed)");
    sub->add_flag("--resume", a->resume,
                  "Finish a sweep that was stopped: keep the runs that have a record, run the others (and those an "
                  "interrupt cut short) in the sweep's recorded order. The sweep is --out DIR, else the newest of this "
                  "scenario under runs/sweeps/; give the --var, --set and --repeat it was started with");
    // One NAME=... per option, so that `lab sweep --set a=1 FILE` leaves FILE to the positional.
    sub->add_option("--var", a->vars,
                    "Run these values of a variable instead of its [sweep.vars] list: NAME=V1,V2,... (repeatable)")
        ->allow_extra_args(false);
    sub->add_option("--set", a->sets,
                    "Hold a variable at one value, as `lab run --set` does: NAME=VALUE (repeatable)")
        ->allow_extra_args(false);
    sub->add_option("--impairments", a->impairments, "Impairment backend: auto, netem or userspace")
        ->check(CLI::IsMember({"auto", "netem", "userspace"}))
        ->capture_default_str();
    sub->add_option("--shard", a->shard,
                    "Run only shard INDEX/COUNT of the cells × repeats (0-based, e.g. 0/4): split by cell id, balanced by "
                    "estimated time, the same in every task. Default: from SLURM_ARRAY_TASK_ID (with SLURM_ARRAY_TASK_COUNT "
                    "and SLURM_ARRAY_TASK_MIN) or JOB_COMPLETION_INDEX when set (docs/cluster.md)");
    sub->add_option("--shard-count", a->shard_count,
                    "How many shards the sweep is split into, the index coming from SLURM_ARRAY_TASK_ID or "
                    "JOB_COMPLETION_INDEX as it is (needed for Kubernetes, and for a Slurm task submitted again alone)")
        ->check(CLI::Range(1, 100000));
    CLI::App* submit = sub->add_subcommand(
        "submit", "Run the sweep on a batch engine: write an array job (one shard per task) and a merge job after it, "
                  "and submit both (docs/cluster.md)");
    submit->add_option("scenario", a->file, "A scenario file with a [sweep] table, on a filesystem every node sees")->required();
    submit->add_flag("--slurm", a->submit_args.slurm, "Submit to Slurm with sbatch (an array job and a dependent merge job)");
    submit->add_option("--tasks", a->submit_args.tasks,
                       fmt::format("Shards, one array task each (default: one per run, at most {})", kDefaultTasks))
        ->check(CLI::Range(1, 100000));
    submit->add_option("--max-parallel", a->submit_args.max_parallel, "Array tasks running at once (--array=0-(N-1)%K); default: no limit")
        ->check(CLI::Range(1, 100000));
    submit->add_option("--partition", a->submit_args.partition, "The Slurm partition (default: the cluster's default)");
    submit->add_option("--jobs-per-task", a->submit_args.jobs_per_task,
                       "Runs at the same time inside a task (lab sweep -j), and the CPUs it asks for")
        ->check(CLI::Range(1, 32))
        ->capture_default_str();
    submit->add_option("--out", a->out,
                       "The shared directory for every shard, the logs and the merged reports (default "
                       "runs/sweeps/<sweep>-<UTC time>, which must then be on a shared filesystem)");
    submit->add_flag("--print", a->submit_args.print, "Print the two sbatch scripts and submit nothing");
    submit->add_flag("--wait", a->submit_args.wait,
                     "Wait for the merge job (sbatch --wait) and exit with its status: 0 all passed, 1 failed, 2 missing or errors");
    submit->fallthrough();  // --repeat, --var, --set, --seed, --order, --impairments of `lab sweep` itself
    submit->footer("Also takes `lab sweep`'s --repeat, --var, --set, --seed, --order and --impairments, passed on to every "
                   "task. Writes OUT/sweep.sbatch, OUT/merge.sbatch and OUT/logs/; task i writes OUT/shard-i/, the merge "
                   "job OUT/report.md and the other reports.");
    submit->callback([a] { a->submit = true; });
    CLI::App* merge = sub->add_subcommand(
        "merge", "Merge the shards of a sweep (their directories, or the one holding them) into one sweep's tables; "
                 "names missing, failed and duplicated cells; no root needed");
    merge->add_option("dirs", a->merge_args.dirs, "Shard directories, or the directory `lab sweep submit` wrote into")->required();
    merge->add_option("--out", a->merge_args.out, "Where the merged reports go (default: the one directory given)");
    merge->callback([a] { a->merge = true; });
    CLI::App* report = sub->add_subcommand(
        "report", "Write a sweep directory's tables and plots again from its records (no root needed)");
    report->add_option("dir", a->report_dir, "A sweep directory (sweep.json, runs/)")->required();
    sub->footer("Writes sweep.json, runs/<cell id>-<repeat>/record.json, results.csv, results.jsonl, report.md, "
                "report.html, junit.xml and plots/ (docs/sweep-reports.md).\n"
                "Exit status: 0 every expectation held in every run, 1 some did not, 2 a run errored, was interrupted or "
                "has no record. --resume and `lab sweep report` judge every record the directory holds the same way.");
    return [a] { return sweep(*a); };
}

}  // namespace lab::cli
