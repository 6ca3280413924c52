#pragma once
// A sampled time series of one host ([sample] in a scenario): what its kernel and its processes showed
// every period, so that a run shows how the numbers moved, not only what two snapshots caught.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace lab::record {

// One sample: seconds since the timeline started, and the numbers read then. Names (docs/scenario-format.md,
// "Sampled series"): sockets.<state> and sockets.total (TCP), udp.sockets, accept_queue and
// accept_queue.<port> (listeners' queues), rate.<Section.Name> (a counter's change per second since the
// previous sample), sockstat.tcp.inuse / .orphan / .tw / .alloc / .mem, sockstat.udp.inuse,
// rss.<process>.<instance> and rss.<process> (bytes resident, from /proc/PID/status VmRSS) and rss.total.
struct SeriesPoint {
    double t = 0;
    double took_s = 0;  // how long reading this sample took
    std::map<std::string, double> values;
};

struct HostSeries {
    std::string host;
    double every_s = 0;
    std::string detail;  // "counts" | "none": whether sockets were counted
    std::vector<SeriesPoint> points;
    // Periods skipped because one sample took longer than the period (a loaded machine, a huge dump).
    std::uint64_t skipped = 0;
};

void to_json(nlohmann::json& j, const SeriesPoint& p);
void from_json(const nlohmann::json& j, SeriesPoint& p);
void to_json(nlohmann::json& j, const HostSeries& s);
void from_json(const nlohmann::json& j, HostSeries& s);

}  // namespace lab::record
