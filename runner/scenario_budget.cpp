#include "runner/scenario_budget.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <fstream>

#include "runner/scenario.hpp"

namespace lab::runner {

ResourceNeeds resource_needs(const Scenario& scenario) {
    // The same test as Topology::build: a segment of more than two ends, or one with a middle (a shaped
    // link), puts its ports in the switch namespace.
    const bool switched = std::any_of(scenario.links.begin(), scenario.links.end(),
                                      [](const LinkSpec& l) { return l.ends.size() > 2 || l.shaped; });
    ResourceNeeds needs;
    needs.namespaces = scenario.hosts.size() + (switched ? 1 : 0);
    needs.descriptors = kDescriptorsPerNamespace * needs.namespaces + kDescriptorsOfLab;
    return needs;
}

ResourceLimits current_resource_limits() {
    ResourceLimits limits;
    rlimit nofile{};
    if (getrlimit(RLIMIT_NOFILE, &nofile) == 0) limits.descriptors = nofile.rlim_cur;
    std::ifstream max_namespaces("/proc/sys/user/max_net_namespaces");
    std::uint64_t n = 0;
    if (max_namespaces >> n) limits.namespaces = n;
    return limits;
}


}  // namespace lab::runner
