#pragma once
// Runs one scenario: plan, build the lab, play the timeline, observe, tear everything down, and return
// the RunRecord with the run directory it belongs in. Judging the record (analysis/) and writing
// record.json are the caller's.
#include <atomic>
#include <optional>
#include <string>

#include "record/run_record.hpp"
#include "runner/impairment_backend.hpp"
#include "runner/scenario.hpp"
#include "sys/directory.hpp"

namespace lab::runner {

struct RunOptions {
    // Where run directories go, opened and checked by the caller (sys::Directory refuses a place another
    // user could swap). A run's directory is <out>/<scenario>/<UTC time>-<run id>, or <out>/<run_name>.
    const sys::Directory* out = nullptr;
    std::string run_name;
    std::string agent_dir;  // where lab-server, lab-client and lab-wire are
    std::string lab_version;
    ImpairmentBackend impairments = ImpairmentBackend::Auto;  // for links with impairments or events
    // Set (to the signal number) by the caller's SIGINT/SIGTERM handler; the run stops at the next
    // step boundary or poll, tears down, and returns a record whose outcome is Interrupted.
    const std::atomic<int>* interrupt = nullptr;
    // For a scenario of a sweep (Scenario::sweep): which repeat of its cell this run is, of how many.
    int repeat = 0;
    int repeats = 1;
};

struct RunResult {
    record::RunRecord record;
    sys::Directory directory;  // the run directory: record.json belongs here
};

// Throws when the run cannot start at all (no run directory could be made: a bad --out, an agent not
// built). Once the directory exists every failure is recorded instead: outcome Error, with the message in
// outcome_detail, and everything built is torn down.
RunResult run_scenario(const Scenario& scenario, const RunOptions& options);

}  // namespace lab::runner
