#include "lab/cli/job_pool.hpp"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace lab::cli {

void run_jobs(std::size_t count, int workers, const std::function<void(std::size_t)>& job,
              const std::function<bool()>& stop) {
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (;;) {
            if (stop()) return;
            const std::size_t i = next.fetch_add(1);
            if (i >= count) return;
            job(i);
        }
    };
    const std::size_t n = std::clamp<std::size_t>(static_cast<std::size_t>(std::max(workers, 1)), 1, std::max<std::size_t>(count, 1));
    std::vector<std::thread> threads;
    for (std::size_t w = 1; w < n; ++w) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
}

}  // namespace lab::cli
