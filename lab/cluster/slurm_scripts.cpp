#include "lab/cluster/slurm_scripts.hpp"

#include <cctype>

#include <fmt/format.h>

#include "lab/cluster/shell_quoted.hpp"

namespace lab::cluster {
namespace {

// Slurm takes job names as they are; a label with spaces or quotes would only make squeue harder to read.
std::string job_name(const std::string& prefix, const std::string& label) {
    std::string name = prefix;
    for (char c : label) name += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
    return name;
}

std::string partition_line(const SlurmSweep& s) {
    return s.partition.empty() ? "" : fmt::format("#SBATCH --partition={}\n", s.partition);
}

}  // namespace

std::string shard_array_script(const SlurmSweep& s) {
    const std::size_t runs = s.cells * static_cast<std::size_t>(s.repeats);
    std::string options;
    for (const auto& o : s.sweep_options) options += " " + shell_quoted(o);
    const std::string array =
        s.max_parallel > 0 ? fmt::format("0-{}%{}", s.tasks - 1, s.max_parallel) : fmt::format("0-{}", s.tasks - 1);
    return fmt::format(
        R"(#!/bin/bash
# lab sweep {label} on Slurm, written by `lab sweep submit --slurm` (lab {version}).
# {runs} run{runs_s} ({cells} cell{cells_s} × {repeats} repeat{repeats_s}) in {tasks} shard{tasks_s}: one array task per shard.
# lab splits the runs itself, by cell id and balanced by each cell's estimated time, so that every task
# computes the same split and every run belongs to exactly one shard. Task i writes {out}/shard-i/.
# The merge job (merge.sbatch, submitted with --dependency=afterany on this array) then writes the
# sweep's results.csv, report.md, report.html and junit.xml into {out}/.
#
# A task that failed: submit it again alone, e.g. `sbatch --array=2 {out}/sweep.sbatch`; it keeps
# the runs its shard finished (--resume) and plays the rest. Then `lab sweep merge {out}` again.
#
# The runs build network namespaces, so a task needs root (or CAP_NET_ADMIN and CAP_SYS_ADMIN);
# `lab doctor` in a task says what is missing.
#SBATCH --job-name={job}
#SBATCH --array={array}
{partition}#SBATCH --ntasks=1
#SBATCH --cpus-per-task={jobs}
#SBATCH --output={log}/shard-%a.out
set -euo pipefail

shard_dir={out}/shard-$SLURM_ARRAY_TASK_ID
resume=
if [ -f "$shard_dir/sweep.json" ]; then
    resume=--resume  # this shard ran before: keep its finished runs
fi
# lab reads its shard from SLURM_ARRAY_TASK_ID; --shard-count makes the id the shard's index, so that a
# task submitted again alone still runs its own part of the grid.
exec {lab} sweep {scenario} --shard-count {tasks} --jobs {jobs} --out "$shard_dir" $resume{options}
)",
        fmt::arg("label", s.label), fmt::arg("version", s.lab_version), fmt::arg("runs", runs),
        fmt::arg("runs_s", runs == 1 ? "" : "s"), fmt::arg("cells", s.cells), fmt::arg("cells_s", s.cells == 1 ? "" : "s"),
        fmt::arg("repeats", s.repeats), fmt::arg("repeats_s", s.repeats == 1 ? "" : "s"), fmt::arg("tasks", s.tasks),
        fmt::arg("tasks_s", s.tasks == 1 ? "" : "s"), fmt::arg("out", shell_quoted(s.out)),
        fmt::arg("job", job_name("lab-sweep-", s.label)), fmt::arg("array", array), fmt::arg("partition", partition_line(s)),
        fmt::arg("jobs", s.jobs), fmt::arg("log", shell_quoted(s.out + "/" + kLogDirectory)), fmt::arg("lab", shell_quoted(s.lab)),
        fmt::arg("scenario", shell_quoted(s.scenario)), fmt::arg("options", options));
}

std::string merge_job_script(const SlurmSweep& s) {
    return fmt::format(
        R"(#!/bin/bash
# Merges the shards of lab sweep {label}, written by `lab sweep submit --slurm` (lab {version}).
# Submitted with --dependency=afterany on the array job: it runs when every task has ended, however it
# ended, so that a failed or cancelled shard is named (its cells missing) instead of waiting forever.
# It reads every shard's records below {out} and writes results.csv, results.jsonl, report.md,
# report.html and junit.xml there, as a sweep on one machine does. Running it again gives the same
# files. It needs no root. Its exit status: 0 every cell ran and passed, 1 some expectation failed,
# 2 some cell is missing or errored.
#SBATCH --job-name={job}
{partition}#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --output={log}/merge.out
set -euo pipefail

exec {lab} sweep merge {out}
)",
        fmt::arg("label", s.label), fmt::arg("version", s.lab_version), fmt::arg("out", shell_quoted(s.out)),
        fmt::arg("job", job_name("lab-merge-", s.label)), fmt::arg("partition", partition_line(s)),
        fmt::arg("log", shell_quoted(s.out + "/" + kLogDirectory)), fmt::arg("lab", shell_quoted(s.lab)));
}

}  // namespace lab::cluster
