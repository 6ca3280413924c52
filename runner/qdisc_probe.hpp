#pragma once
// Whether the running kernel can attach a queueing discipline of a given kind (netem, tbf): tried for
// real on a veth inside a namespace the probe makes and removes, since neither /proc nor modules.dep
// answers that on a kernel without module loading.
#include <string>

namespace lab::runner {

struct ProbeResult {
    bool works = false;
    std::string detail;  // the kernel's answer when it refused
};

ProbeResult probe_qdisc(const std::string& kind);  // "netem" | "tbf"

}  // namespace lab::runner
