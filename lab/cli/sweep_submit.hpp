#pragma once
// lab sweep submit FILE --slurm: a sweep as a Slurm array job (one shard per task) and a merge job after
// it, written into the shared output directory and submitted with sbatch — or only printed (--print),
// for users who edit the scripts before they submit them. lab never schedules anything itself.
#include <atomic>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace lab::cli {

struct SweepSubmitArgs {
    bool slurm = false;
    std::optional<int> tasks;  // default: one per run, at most kDefaultTasks
    int max_parallel = 0;
    std::string partition;
    int jobs_per_task = 1;
    bool print = false;
    bool wait = false;         // sbatch --wait on the merge job: return when the merged reports exist
};

inline constexpr int kDefaultTasks = 16;

// What submit needs of the planned sweep.
struct SubmittedSweep {
    std::string label;
    std::string scenario;  // as given; made absolute here
    std::string out;       // --out, or "" for runs/sweeps/<label>-<UTC time>
    std::size_t cells = 0;
    int repeats = 1;
    std::vector<std::string> sweep_options;  // --repeat, --var, --set, --seed, ... for every task
};

int submit_sweep(const SweepSubmitArgs& args, const SubmittedSweep& sweep, const std::atomic<int>& interrupt);

}  // namespace lab::cli
