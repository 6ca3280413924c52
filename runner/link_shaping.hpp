#pragma once
// Impairments and link events of one run, through one of two backends chosen per run:
//  - netem: a netem qdisc (tbf under it for a rate) on the switch-side port that faces the receiver;
//  - userspace: a lab-wire process in the switch namespace forwarding frames between the link's two
//    unbridged ports, shaping each direction; for kernels without sch_netem.
// Unplug/replug act on the switch-side ports with either backend: each host sees its carrier drop.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "record/run_record.hpp"
#include "runner/child_process.hpp"
#include "runner/scenario.hpp"
#include "runner/topology.hpp"

namespace lab::runner {

enum class ImpairmentBackend { Auto, Netem, Userspace };

const char* to_string(ImpairmentBackend b);
std::optional<ImpairmentBackend> impairment_backend_from(const std::string& text);
// Auto → netem where the kernel has it, else userspace (probed once in a throwaway namespace).
ImpairmentBackend resolve_backend(ImpairmentBackend requested);

// The middle each shaped link needs from the topology under a backend.
TopologySpec::Middle middle_for(ImpairmentBackend backend);

class LinkShaping {
public:
    struct WireProcess {
        std::string link;
        std::string control_path;
        record::ProcessResult result;
        std::optional<ChildProcess> child;
    };

    // Starts shaping every shaped link with its static impairments. wire_exe: the lab-wire binary.
    LinkShaping(ImpairmentBackend backend, const Scenario& scenario, const Topology& topology,
                const std::string& run_dir, const std::string& wire_exe);
    LinkShaping(const LinkShaping&) = delete;
    LinkShaping& operator=(const LinkShaping&) = delete;
    ~LinkShaping();  // stops the wires (SIGTERM so they print their summary, then SIGKILL)

    ImpairmentBackend backend() const { return backend_; }
    void apply(const std::string& link, const std::vector<DirectedImpairment>& impairments);
    void set_plugged(const std::string& link, bool plugged);
    // Ends the wire processes and returns what they were, for the record.
    std::vector<record::ProcessResult> finish(double t_now);

private:
    void apply_netem_direction(const LinkSpec& link, const DirectedImpairment& d);
    const LinkSpec& link_named(const std::string& name) const;

    ImpairmentBackend backend_;
    const Scenario& scenario_;
    const Topology& topology_;
    std::vector<WireProcess> wires_;
};

}  // namespace lab::runner
