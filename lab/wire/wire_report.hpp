#pragma once
// The JSON that lab-wire writes for one direction: in periodic "stats" lines, the final "summary"
// line and the control socket's get reply. Counters are cumulative since start; sched_error_us is
// actual send time minus intended departure, in microseconds.
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

#include "lab/wire/shaper.hpp"

namespace lab::wire {

nlohmann::ordered_json direction_report(const Shaper& shaper);

}  // namespace lab::wire
