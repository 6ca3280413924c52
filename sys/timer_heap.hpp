#pragma once
// Deadlines of thousands of connections in one min-heap. Cancelling is lazy: each owner keeps a
// generation number and bumps it when its op ends, so a stale entry is recognised when it pops
// instead of being searched for in the heap.
#include <cstdint>
#include <optional>
#include <queue>
#include <vector>

namespace lab::sys {

struct TimerEntry {
    std::int64_t due_ns = 0;
    std::uint64_t key = 0;
    std::uint64_t generation = 0;
};

class TimerHeap {
public:
    void schedule(std::int64_t due_ns, std::uint64_t key, std::uint64_t generation);

    std::optional<std::int64_t> next_due() const;

    // Removes and returns the earliest entry if it is due at now_ns.
    std::optional<TimerEntry> pop_due(std::int64_t now_ns);

    std::size_t size() const { return heap_.size(); }

private:
    struct Later {
        bool operator()(const TimerEntry& a, const TimerEntry& b) const { return a.due_ns > b.due_ns; }
    };
    std::priority_queue<TimerEntry, std::vector<TimerEntry>, Later> heap_;
};

}  // namespace lab::sys
