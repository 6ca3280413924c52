#pragma once
// The two sbatch scripts of `lab sweep submit --slurm`: an array job with one task per shard, and the merge
// job that runs after it (submitted with --dependency=afterany:<array job>, so that it also runs when a
// shard failed, and names that shard's cells). Plain bash with comments, for users who edit them (--print).
#include <cstddef>
#include <string>
#include <vector>

namespace lab::cluster {

struct SlurmSweep {
    std::string lab;       // absolute path of the lab executable, as the nodes see it
    std::string scenario;  // absolute path of the scenario file, on the shared filesystem
    std::string out;       // absolute path of the shared directory: shard-<i>/, logs/, the merged reports
    std::string label;     // the sweep's label, for job names
    std::string lab_version;
    std::size_t cells = 0;
    int repeats = 1;
    int tasks = 1;         // shards, one array task each
    int max_parallel = 0;  // array tasks running at once; 0: as many as Slurm allows
    int jobs = 1;          // runs at once inside a task (lab sweep -j), also the CPUs a task asks for
    std::string partition;  // "" = the cluster's default
    std::vector<std::string> sweep_options;  // passed on to every task: --repeat, --var, --set, --seed, ...
};

// Where the scripts and the logs go below `out`.
inline constexpr const char* kShardScriptFile = "sweep.sbatch";
inline constexpr const char* kMergeScriptFile = "merge.sbatch";
inline constexpr const char* kLogDirectory = "logs";

std::string shard_array_script(const SlurmSweep& sweep);
std::string merge_job_script(const SlurmSweep& sweep);

}  // namespace lab::cluster
