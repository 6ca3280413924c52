#pragma once
// Which backend carries a run's shaped links: netem (a kernel qdisc) where the kernel has sch_netem,
// userspace (lab-wire) anywhere. Chosen once per run; every record names the one that ran.
#include <optional>
#include <string>

#include "runner/topology.hpp"

namespace lab::runner {

enum class ImpairmentBackend { Auto, Netem, Userspace };

const char* to_string(ImpairmentBackend b);
std::optional<ImpairmentBackend> impairment_backend_from(const std::string& text);
// Auto → netem where the kernel has it, else userspace (probed once per process, in a throwaway namespace).
ImpairmentBackend resolve_backend(ImpairmentBackend requested);

// The middle each shaped link needs from the topology under a backend.
TopologySpec::Middle middle_for(ImpairmentBackend backend);

}  // namespace lab::runner
