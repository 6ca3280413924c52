#pragma once
// Runs jobs side by side: jobs 0..count-1 are handed out in that order to up to `workers` threads, and
// no new one starts once `stop()` says so (an interrupt); the ones under way finish. Runs are isolated
// (own run id, namespaces, cgroup, directory) and spend most of their time waiting on their timelines,
// so a few at once cost a 2-core machine little.
#include <cstddef>
#include <functional>

namespace lab::cli {

void run_jobs(std::size_t count, int workers, const std::function<void(std::size_t)>& job,
              const std::function<bool()>& stop = [] { return false; });

}  // namespace lab::cli
