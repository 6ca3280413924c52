#pragma once
// The sampled numbers lab shows of a run's time series, in the order shown: the host's (what someone
// watching a server's connection handling looks at first) and the agents' per-second lines. One list, so
// the series table and the series plots show the same things under the same names.
#include <span>

namespace lab::analysis {

struct SeriesQuantity {
    const char* metric;  // the sample's value name: "sockets.established", "rtt_us.p99"
    const char* header;  // a short table heading: "estab"
    const char* title;   // a plot title: "ESTABLISHED sockets"
    const char* unit;    // the plot's y axis, after scaling: "sockets", "MiB", "ms"
    double scale;        // the value is divided by it (bytes → MiB, µs → ms)
    int decimals;
    // Whether the values of several hosts or agents add up (sockets, rates, memory); a percentile does
    // not, and a sum over them shows the highest instead.
    bool summable = true;
};

// Names from record/sampled_series.hpp.
std::span<const SeriesQuantity> host_series_quantities();

// Names from an agent's "second" lines (lab-client --ping, lab-server --per-second).
std::span<const SeriesQuantity> agent_series_quantities();

}  // namespace lab::analysis
