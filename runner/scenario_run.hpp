#pragma once
// Runs one scenario: plan, build the lab, play the timeline, observe, tear everything down, and return
// the RunRecord (also written to <run dir>/record.json). Judging the record is analysis/'s job.
#include <atomic>
#include <string>

#include "record/run_record.hpp"
#include "runner/link_shaping.hpp"
#include "runner/scenario.hpp"

namespace lab::runner {

struct RunOptions {
    std::string runs_dir = "runs";  // a run's directory is <runs_dir>/<scenario>/<time>-<id>
    std::string agent_dir;          // where lab-server and lab-client are
    std::string lab_version;
    ImpairmentBackend impairments = ImpairmentBackend::Auto;  // for links with impairments or events
    // Set (to the signal number) by the caller's SIGINT/SIGTERM handler; the run stops at the next
    // step boundary or poll, tears down, and returns a record whose outcome is "interrupted".
    const std::atomic<int>* interrupt = nullptr;
};

record::RunRecord run_scenario(const Scenario& scenario, const RunOptions& options);

}  // namespace lab::runner
