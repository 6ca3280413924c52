#include "lab/agents/datagram_cost.hpp"

#include <cerrno>
#include <ctime>

#include "sys/monotonic_clock.hpp"

namespace lab::agent {

std::string DatagramCost::text() const {
    return std::string(kind == Kind::Busy ? "busy:" : "sleep:") + format_duration(length);
}

void DatagramCost::spend() const {
    if (length <= Duration::zero()) return;
    const std::int64_t until = sys::monotonic_ns() + length.count();
    if (kind == Kind::Busy) {
        while (sys::monotonic_ns() < until) {
        }
        return;
    }
    // Absolute, so an EINTR restart does not add to the cost.
    timespec due{static_cast<time_t>(until / 1'000'000'000), static_cast<long>(until % 1'000'000'000)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &due, nullptr) == EINTR) {
    }
}

Parsed<DatagramCost> parse_datagram_cost(std::string_view text) {
    DatagramCost cost;
    std::string_view duration = text;
    if (text.substr(0, 5) == "busy:") {
        cost.kind = DatagramCost::Kind::Busy;
        duration = text.substr(5);
    } else if (text.substr(0, 6) == "sleep:") {
        duration = text.substr(6);
    }
    auto parsed = parse_duration(duration);
    if (failed(parsed))
        return ParseError{"cost '" + std::string(text) + "': " + std::get<ParseError>(parsed).message +
                          " (expected DURATION, sleep:DURATION or busy:DURATION)"};
    cost.length = std::get<Duration>(parsed);
    return cost;
}

}  // namespace lab::agent
