#pragma once
// What lab-server's UDP receiver spends on each datagram, to make it slower than its sender.
// sleep (the default) gives the CPU away, like a receiver blocked on a disk or a database: on a
// two-core machine a busy receiver would also slow the sender and the softirq that fills the queue.
// busy spins on the clock, like a receiver doing real computation.
#include <string>
#include <string_view>

#include "common/units.hpp"

namespace lab::agent {

struct DatagramCost {
    enum class Kind { Sleep, Busy };
    Kind kind = Kind::Sleep;
    Duration length{};

    std::string text() const;  // "sleep:5ms"
    void spend() const;
};

// "DURATION" (sleep), "sleep:DURATION", "busy:DURATION".
Parsed<DatagramCost> parse_datagram_cost(std::string_view text);

}  // namespace lab::agent
