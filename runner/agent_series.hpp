#pragma once
// An agent's per-second report lines (op "second") → the process's time series in the record. They are
// taken out of the events: expectations over events count ops, and a long run at scale would otherwise
// bury them under thousands of report lines.
#include <vector>

#include "record/run_record.hpp"

namespace lab::runner {

inline constexpr const char* kPerSecondOp = "second";

// Removes the "second" events from `events` (keeping the others' order) and returns them as samples,
// in the order written: t is the line's end_t, values its numbers (nested ones as "rtt_us.p99").
std::vector<record::AgentSample> take_agent_series(std::vector<record::Event>& events);

}  // namespace lab::runner
