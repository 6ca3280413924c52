#include "lab/cli/batch_task_check.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "lab/cluster/task_privileges.hpp"

namespace lab::cli {

std::optional<DoctorCheck> batch_task_check() {
    auto name = cluster::batch_task_name([](const std::string& variable) -> std::optional<std::string> {
        const char* value = std::getenv(variable.c_str());
        return value ? std::optional<std::string>(value) : std::nullopt;
    });
    if (!name) return std::nullopt;
    std::ifstream status_file("/proc/self/status");
    std::stringstream status;
    status << status_file.rdbuf();
    cluster::TaskPrivileges task{static_cast<unsigned>(::geteuid()), cluster::effective_capabilities(status.str()).value_or(0)};
    const std::string missing = cluster::missing_task_privileges(task);
    return DoctorCheck{"batch task", missing.empty() ? "ok" : "no",
                       missing.empty() ? *name + ": root with CAP_NET_ADMIN and CAP_SYS_ADMIN" : *name + ": " + missing, true};
}

}  // namespace lab::cli
