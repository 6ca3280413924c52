#include "lab/cluster/task_privileges.hpp"

#include <linux/capability.h>

#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace lab::cluster {

std::optional<std::uint64_t> effective_capabilities(const std::string& proc_status) {
    std::istringstream in(proc_status);
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with("CapEff:")) continue;
        try {
            return std::stoull(line.substr(7), nullptr, 16);
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }
    return std::nullopt;
}

std::optional<std::string> batch_task_name(const EnvironmentLookup& environment) {
    if (auto job = environment("SLURM_JOB_ID")) {
        if (auto task = environment("SLURM_ARRAY_TASK_ID")) {
            auto array = environment("SLURM_ARRAY_JOB_ID");
            return fmt::format("Slurm job {} (array job {}, task {})", *job, array.value_or("?"), *task);
        }
        return fmt::format("Slurm job {}", *job);
    }
    if (auto index = environment("JOB_COMPLETION_INDEX")) return fmt::format("Kubernetes Indexed Job (completion index {})", *index);
    if (environment("KUBERNETES_SERVICE_HOST")) return std::string("Kubernetes pod");
    return std::nullopt;
}

std::string missing_task_privileges(const TaskPrivileges& task) {
    std::vector<std::string> missing;
    if (task.uid != 0) missing.push_back(fmt::format("uid {} is not root", task.uid));
    if (!(task.effective_capabilities & (std::uint64_t{1} << CAP_NET_ADMIN))) missing.push_back("CAP_NET_ADMIN is not effective");
    if (!(task.effective_capabilities & (std::uint64_t{1} << CAP_SYS_ADMIN))) missing.push_back("CAP_SYS_ADMIN is not effective");
    if (missing.empty()) return "";
    return fmt::format("{}: lab's runs create network namespaces and set sysctls in them, so the task must run as root "
                       "with CAP_NET_ADMIN and CAP_SYS_ADMIN — on Slurm, submit as root (or ask the admin for a "
                       "partition whose jobs may), on Kubernetes, a privileged container running as uid 0 "
                       "(docs/cluster.md)",
                       fmt::join(missing, ", "));
}

}  // namespace lab::cluster
