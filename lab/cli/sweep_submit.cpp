#include "lab/cli/sweep_submit.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <system_error>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include "common/errno_name.hpp"
#include "lab/cli/commands.hpp"
#include "lab/cluster/slurm_scripts.hpp"
#include "sys/directory.hpp"
#include "sys/process.hpp"
#include "sys/unique_fd.hpp"

namespace fs = std::filesystem;

namespace lab::cli {
namespace {

struct Sbatch {
    int exit_code = -1;
    std::string out;  // what it printed on stdout: the job id with --parsable
};

// sbatch with these arguments; its stderr goes to ours, its stdout is returned.
Sbatch run_sbatch(const std::vector<std::string>& args, const std::atomic<int>& interrupt) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0)
        throw std::system_error(errno, std::generic_category(), fmt::format("pipe2 for sbatch: {}", errno_name(errno)));
    sys::UniqueFd read_end(ends[0]);
    sys::UniqueFd write_end(ends[1]);
    sys::ProcessSpec spec;
    spec.executable = sys::find_executable("sbatch");
    spec.argv = {"sbatch"};
    spec.argv.insert(spec.argv.end(), args.begin(), args.end());
    spec.stdout_fd = write_end.get();
    spec.stderr_fd = STDERR_FILENO;
    sys::Process p = sys::Process::spawn(spec);
    write_end = sys::UniqueFd();
    Sbatch result;
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
        if (n > 0) {
            result.out.append(buffer, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) {
            if (interrupt.load() != 0) break;
            continue;
        }
        break;
    }
    // --wait holds sbatch until the job ends; an interrupt of lab ends it (the job itself runs on).
    if (p.wait_until(std::chrono::steady_clock::time_point::max(), &interrupt) != sys::WaitOutcome::Ended) {
        p.stop(std::chrono::milliseconds(2000));
        return result;
    }
    result.exit_code = p.end()->exit_code.value_or(-1);
    return result;
}

// --parsable prints "JOBID" or "JOBID;CLUSTER".
std::string job_id_of(const std::string& out) {
    std::string id = out.substr(0, out.find_first_of(";\n"));
    if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw std::runtime_error(fmt::format("sbatch --parsable printed '{}', not a job id", out));
    return id;
}

std::string utc_now(const char* format) {
    return fmt::format(fmt::runtime(format), fmt::gmtime(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now())));
}

}  // namespace

int submit_sweep(const SweepSubmitArgs& a, const SubmittedSweep& s, const std::atomic<int>& interrupt) {
    if (!a.slurm) {
        fmt::print(stderr, "lab sweep submit: name the batch engine: --slurm (Kubernetes: docs/cluster.md)\n");
        return kExitError;
    }
    const std::size_t runs = s.cells * static_cast<std::size_t>(s.repeats);
    cluster::SlurmSweep job;
    job.lab = fs::read_symlink("/proc/self/exe").string();
    job.scenario = fs::absolute(s.scenario).lexically_normal().string();
    job.out = fs::absolute(s.out.empty() ? fs::path("runs") / "sweeps" / fmt::format("{}-{}", s.label, utc_now("{:%Y%m%d-%H%M%S}"))
                                         : fs::path(s.out))
                  .lexically_normal()
                  .string();
    job.label = s.label;
    job.lab_version = LAB_VERSION;
    job.cells = s.cells;
    job.repeats = s.repeats;
    job.tasks = a.tasks.value_or(static_cast<int>(std::min<std::size_t>(runs, kDefaultTasks)));
    if (static_cast<std::size_t>(job.tasks) > runs) {
        fmt::print(stderr, "lab sweep submit: --tasks {}: the sweep has only {} run{}; a task without runs would idle\n",
                   job.tasks, runs, runs == 1 ? "" : "s");
        return kExitError;
    }
    job.max_parallel = a.max_parallel;
    job.jobs = a.jobs_per_task;
    job.partition = a.partition;
    job.sweep_options = s.sweep_options;
    const std::string array_script = cluster::shard_array_script(job);
    const std::string merge_script = cluster::merge_job_script(job);
    if (a.print) {
        fmt::print("# ---- {}/{}\n{}\n# ---- {}/{} (sbatch --dependency=afterany:<array job id> {}/{})\n{}", job.out,
                   cluster::kShardScriptFile, array_script, job.out, cluster::kMergeScriptFile, job.out,
                   cluster::kMergeScriptFile, merge_script);
        return kExitPass;
    }

    // The scripts and the logs' directory on the shared filesystem first: Slurm does not make the
    // directory of --output, and a task whose log cannot be opened fails without a word.
    const sys::Directory out = sys::Directory::open_or_create(job.out);
    out.subdirectory(cluster::kLogDirectory, 0755);
    out.write_file(cluster::kShardScriptFile, array_script, 0755);
    out.write_file(cluster::kMergeScriptFile, merge_script, 0755);
    const std::string array_path = (fs::path(job.out) / cluster::kShardScriptFile).string();
    const std::string merge_path = (fs::path(job.out) / cluster::kMergeScriptFile).string();

    const Sbatch array = run_sbatch({"--parsable", array_path}, interrupt);
    if (array.exit_code != 0) {
        fmt::print(stderr, "lab sweep submit: sbatch {} failed (exit {}); nothing was submitted\n", array_path, array.exit_code);
        return kExitError;
    }
    const std::string array_id = job_id_of(array.out);
    fmt::print("submitted the sweep {}: array job {} ({} task{} of {} run{}), outputs in {}\n", s.label, array_id,
               job.tasks, job.tasks == 1 ? "" : "s", runs, runs == 1 ? "" : "s", job.out);
    std::vector<std::string> merge_args{"--parsable", "--dependency=afterany:" + array_id};
    if (a.wait) merge_args.push_back("--wait");
    merge_args.push_back(merge_path);
    if (a.wait) fmt::print("waiting for the merge job (sbatch --wait)...\n");
    std::fflush(stdout);
    const Sbatch merge = run_sbatch(merge_args, interrupt);
    if (merge.exit_code < 0 && interrupt.load() != 0) {
        fmt::print(stderr, "lab sweep submit: interrupted while waiting; the jobs run on (scancel {} to stop them)\n", array_id);
        return kExitError;
    }
    std::string merge_id;
    try {
        merge_id = job_id_of(merge.out);
    } catch (const std::exception&) {
    }
    if (merge_id.empty()) {
        fmt::print(stderr,
                   "lab sweep submit: the merge job was not submitted (sbatch exit {}); after the array job ends, run "
                   "`lab sweep merge {}`\n",
                   merge.exit_code, job.out);
        return kExitError;
    }
    if (!a.wait) {
        fmt::print("merge job {} runs after it (afterany): reports in {}; squeue -j {},{} shows them\n", merge_id, job.out,
                   array_id, merge_id);
        return kExitPass;
    }
    fmt::print("merge job {} ended with exit {}: reports in {} (log: {}/{}/merge.out)\n", merge_id, merge.exit_code, job.out,
               job.out, cluster::kLogDirectory);
    // The merge's own status: 0 all passed, 1 an expectation failed, 2 cells missing or errored.
    return merge.exit_code >= 0 && merge.exit_code <= 2 ? merge.exit_code : kExitError;
}

}  // namespace lab::cli
