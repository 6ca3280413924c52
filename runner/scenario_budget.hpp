#pragma once
// What one run of a scenario holds at once (network namespaces, and descriptors in the lab process)
// against what this process and the kernel allow, so that a scenario too big for the machine is refused at
// validation, with the numbers, instead of failing half-built: 10 000 hosts used to create 9 995
// namespaces in 17 s and then fail with "libnl: Unspecific failure", which was EMFILE.
#include <cstddef>
#include <cstdint>
#include <optional>

namespace lab::runner {

// A scenario file larger than this is refused before it is parsed.
inline constexpr std::size_t kMaxScenarioFileBytes = 16 << 20;

struct Scenario;

// Each namespace costs the lab process one descriptor for the whole run (the Netns that keeps it open),
// and one more while the lab is built (its rtnetlink socket, opened once per namespace and closed when
// the topology stands). Links, veths, bridges and the programs started in a run cost none: interfaces
// are kernel objects, a program's descriptors are its own, and its output files are closed once it runs.
inline constexpr std::size_t kDescriptorsPerNamespace = 2;
// stdin, stdout, stderr and what the lab opens one at a time (sysctl and /proc files, sock_diag sockets,
// a program's output files while it starts). `prlimit --nofile=N lab run` measured 4 beyond the
// namespaces' 2 each (the smallest N that runs 21 hosts and a switch is 48; 61 hosts, 128): 32 leaves room.
inline constexpr std::size_t kDescriptorsOfLab = 32;

struct ResourceNeeds {
    std::size_t namespaces = 0;   // one per host, and the switch's when a link is switched or shaped
    std::size_t descriptors = 0;  // the most the lab process holds at once, while it builds the lab
};

ResourceNeeds resource_needs(const Scenario& scenario);

struct ResourceLimits {
    std::uint64_t descriptors = 0;             // RLIMIT_NOFILE (the soft limit: what opens fail beyond)
    std::optional<std::uint64_t> namespaces;   // /proc/sys/user/max_net_namespaces, on kernels that have it
};

// This process's limits as they are now: `lab` raises its descriptor limit first thing
// (sys::raise_descriptor_limit), so this is the most it can have.
ResourceLimits current_resource_limits();

}  // namespace lab::runner
