#pragma once
// What a batch engine's task lacks for lab's runs, in words a cluster admin can act on. The runs create
// network namespaces and set sysctls inside them: lab wants uid 0 with CAP_NET_ADMIN and CAP_SYS_ADMIN
// effective. On a cluster the usual misses are a job running as the submitting user, and a container
// that is root but not privileged (its capabilities bounded).
#include <cstdint>
#include <optional>
#include <string>

#include "lab/cluster/shard.hpp"

namespace lab::cluster {

struct TaskPrivileges {
    unsigned uid = 0;
    std::uint64_t effective_capabilities = 0;  // CapEff of /proc/self/status
};

// CapEff from the text of /proc/self/status; nullopt when it has none.
std::optional<std::uint64_t> effective_capabilities(const std::string& proc_status);

// "Slurm job 41 (array task 2)", "Kubernetes pod (completion index 1)", or nullopt outside a batch task.
std::optional<std::string> batch_task_name(const EnvironmentLookup& environment);

// "" when the task has what lab needs; otherwise what it lacks and what to ask for.
std::string missing_task_privileges(const TaskPrivileges& task);

}  // namespace lab::cluster
