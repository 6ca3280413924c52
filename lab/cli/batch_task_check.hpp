#pragma once
// `lab doctor` inside a batch engine's task (a Slurm job, a Kubernetes pod): one row that says whether the
// task may run lab's runs, and, when not, what the cluster admin must allow.
#include <optional>

#include "lab/cli/doctor_checks.hpp"

namespace lab::cli {

// nullopt outside a batch task.
std::optional<DoctorCheck> batch_task_check();

}  // namespace lab::cli
