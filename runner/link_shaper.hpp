#pragma once
// What every impairment backend does for a run: set the impairments of its shaped links, at the start and
// whenever an `impair` step changes them, and at the end say what it ran. One file per backend
// (netem_shaper, wire_shaper), as tc keeps one per qdisc: a third backend is a new file, not new branches.
// Unplug and replug are the topology's (carrier on the switch-side ports), whatever the backend.
#include <memory>
#include <vector>

#include "record/run_record.hpp"
#include "runner/impairment_backend.hpp"
#include "runner/scenario.hpp"

namespace lab::sys {
class Directory;
}

namespace lab::runner {

class Topology;

class LinkShaper {
public:
    virtual ~LinkShaper() = default;
    // Each direction's whole setting, replacing the one in force.
    virtual void apply(const LinkSpec& link, const std::vector<DirectedImpairment>& impairments) = 0;
    // Ends whatever the backend runs and returns it for the record (processes, with how they ended).
    virtual std::vector<record::ProcessResult> finish(double t_now) = 0;
};

// What a shaper may need from its run.
struct ShaperContext {
    const Scenario& scenario;
    const Topology& topology;
    std::string run_id;
    const sys::Directory& processes_dir;  // where a backend's own processes write stdout/stderr
    std::string wire_exe;                 // the lab-wire binary
    int cgroup_procs_fd = -1;             // the run's cgroup, for a backend's own processes
};

// Starts shaping every shaped link of the scenario with its static impairments.
std::unique_ptr<LinkShaper> start_link_shaper(ImpairmentBackend backend, const ShaperContext& context);

}  // namespace lab::runner
