#include "runner/netns_batch.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

namespace lab::runner {

unsigned netns_batch_threads(std::size_t jobs) {
    const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
    return static_cast<unsigned>(std::clamp<std::size_t>(jobs, 1, cpus));
}

std::vector<PreparedNetns> create_netns_batch(const std::vector<std::string>& names,
                                              const NetnsPreparation& prepare) {
    const std::size_t count = names.size();
    if (count > 0) ensure_netns_run_dir();
    std::vector<std::optional<PreparedNetns>> made(count);
    std::vector<std::exception_ptr> failures(count);
    std::atomic<bool> failed{false};
    std::exception_ptr start_failure;
    const unsigned threads = netns_batch_threads(count);

    // Thread t takes t, t + threads, ...; each slot is written by one thread only, and read after
    // the join. Each thread ends inside the last namespace it made, so it is never reused.
    auto work = [&](unsigned t) {
        for (std::size_t i = t; i < count && !failed.load(std::memory_order_relaxed); i += threads) {
            try {
                Netns ns = Netns::create_from_this_thread(names[i]);
                NetlinkSocket sock = NetlinkSocket::open_from_inside(ns);
                prepare(i, ns, sock);
                made[i].emplace(PreparedNetns{std::move(ns), std::move(sock)});
            } catch (...) {
                failures[i] = std::current_exception();
                failed = true;
                return;
            }
        }
    };
    {
        std::vector<std::jthread> workers;  // joined when this block ends, whatever happens
        try {
            for (unsigned t = 0; t < threads; ++t) workers.emplace_back(work, t);
        } catch (const std::system_error&) {
            // No thread to spare (EAGAIN): the ones started stop, and the error goes up below.
            failed = true;
            if (workers.empty()) throw;
            start_failure = std::current_exception();
        }
    }
    // On failure, `made` goes out of scope with the rethrow: every namespace made is removed.
    for (const auto& f : failures)
        if (f) std::rethrow_exception(f);
    if (start_failure) std::rethrow_exception(start_failure);

    std::vector<PreparedNetns> result;
    result.reserve(count);
    for (auto& m : made) result.push_back(std::move(*m));
    return result;
}

void remove_netns_batch(std::vector<Netns>& namespaces) noexcept {
    const unsigned threads =
        static_cast<unsigned>(std::clamp<std::size_t>(namespaces.size(), 1, kNetnsRemovalThreads));
    std::vector<std::vector<Netns>> shares(threads);
    for (std::size_t i = 0; i < namespaces.size(); ++i) shares[i % threads].push_back(std::move(namespaces[i]));
    namespaces.clear();
    {
        std::vector<std::jthread> workers;
        for (unsigned t = 1; t < threads; ++t) {
            try {
                workers.emplace_back([share = std::move(shares[t])]() mutable { share.clear(); });
            } catch (...) {
                // shares[t] may have been moved into the lambda that failed to start: its
                // destructor removed them already; otherwise they go with `shares` below.
            }
        }
        shares[0].clear();
    }
}

}  // namespace lab::runner
