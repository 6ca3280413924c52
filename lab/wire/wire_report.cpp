#include "lab/wire/wire_report.hpp"

namespace lab::wire {
namespace {

nlohmann::ordered_json microseconds(std::optional<std::int64_t> ns) {
    if (!ns) return nullptr;
    return static_cast<double>(*ns) / 1e3;
}

}  // namespace

nlohmann::ordered_json direction_report(const Shaper& shaper) {
    const ShaperCounters& c = shaper.counters();
    nlohmann::ordered_json j;
    j["impairment"] = shaping::format_impairment(shaper.impairment());
    j["rx_frames"] = c.rx_frames;
    j["rx_bytes"] = c.rx_bytes;
    j["tx_frames"] = c.tx_frames;
    j["tx_bytes"] = c.tx_bytes;
    j["tx_errors"] = c.tx_errors;
    j["dropped_loss"] = c.dropped_loss;
    j["dropped_queue"] = c.dropped_queue;
    j["dropped_blackhole"] = c.dropped_blackhole;
    j["duplicated"] = c.duplicated;
    j["corrupted"] = c.corrupted;
    j["reordered"] = c.reordered;
    j["held"] = shaper.held();
    const auto& h = c.scheduling_error;
    j["sched_error_us"] = {{"p50", microseconds(h.quantile_ns(0.50))},
                           {"p99", microseconds(h.quantile_ns(0.99))},
                           {"max", microseconds(h.count() ? std::optional<std::int64_t>(h.max_ns()) : std::nullopt)}};
    return j;
}

}  // namespace lab::wire
