#pragma once
// The JSON lines an agent writes (one per op) → record events on the timeline's clock.
#include <cstdint>
#include <string>
#include <vector>

#include "record/run_record.hpp"

namespace lab::runner {

struct AgentEventErrors {
    int malformed_lines = 0;
    std::string first_problem;  // "file:line: why", for the run's log
};

// t0_ns is the timeline's start on CLOCK_MONOTONIC, which the agents also use.
// `text` is the agent's whole stdout; `file_label` names it in problems ("processes/cli.0.stdout").
std::vector<record::Event> parse_agent_events(const std::string& text, const std::string& file_label,
                                              const std::string& process, int instance, std::int64_t t0_ns,
                                              AgentEventErrors* errors = nullptr);

record::Event event_from_json_line(const std::string& line, const std::string& process, int instance,
                                   std::int64_t t0_ns);  // throws std::runtime_error on a malformed line

}  // namespace lab::runner
