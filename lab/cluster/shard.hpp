#pragma once
// Which part of a sweep one task of a batch engine runs: shard `index` of `count` (0-based, as Slurm's
// array task ids and Kubernetes' completion indexes are). Read from `--shard I/N`, or from the engine's
// variables, so that one command line serves Slurm, Kubernetes and a shell loop alike.
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace lab::cluster {

struct Shard {
    int index = 0;
    int count = 1;
    bool operator==(const Shard&) const = default;
};

// "2/4" → {2, 4}. Throws std::invalid_argument naming the text and what a shard must look like.
Shard parse_shard(std::string_view text);

// A variable of the environment, or nullopt when it is not set (std::getenv in lab, a map in tests).
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string&)>;

// The shard the engine's variables name, or nullopt when none is set:
//  - Slurm: SLURM_ARRAY_TASK_ID. Without `count`, the shard is ID − SLURM_ARRAY_TASK_MIN of
//    SLURM_ARRAY_TASK_COUNT (an array 1-8 as well as 0-7). With `count` (--shard-count), the ID itself
//    is the index: a task resubmitted alone (`sbatch --array=2`) still runs shard 2 of the whole sweep.
//  - Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX, with `count` required (the Job's completions).
// Throws std::invalid_argument naming the variable when a value is not a number or the index falls
// outside the count.
std::optional<Shard> shard_from_environment(const EnvironmentLookup& environment, std::optional<int> count);

// "shard 2/4", for messages and manifests.
std::string shard_text(const Shard& shard);

}  // namespace lab::cluster
