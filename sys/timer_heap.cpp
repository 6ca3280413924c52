#include "sys/timer_heap.hpp"

namespace lab::sys {

void TimerHeap::schedule(std::int64_t due_ns, std::uint64_t key, std::uint64_t generation) {
    heap_.push(TimerEntry{due_ns, key, generation});
}

std::optional<std::int64_t> TimerHeap::next_due() const {
    if (heap_.empty()) return std::nullopt;
    return heap_.top().due_ns;
}

std::optional<TimerEntry> TimerHeap::pop_due(std::int64_t now_ns) {
    if (heap_.empty() || heap_.top().due_ns > now_ns) return std::nullopt;
    TimerEntry top = heap_.top();
    heap_.pop();
    return top;
}

}  // namespace lab::sys
