#include "runner/agent_series.hpp"

#include <algorithm>

namespace lab::runner {

std::vector<record::AgentSample> take_agent_series(std::vector<record::Event>& events) {
    std::vector<record::AgentSample> series;
    for (auto& event : events)
        if (event.op == kPerSecondOp) series.push_back({event.end_t, std::move(event.values)});
    std::erase_if(events, [](const record::Event& event) { return event.op == kPerSecondOp; });
    return series;
}

}  // namespace lab::runner
