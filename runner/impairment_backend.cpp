#include "runner/impairment_backend.hpp"

#include "runner/qdisc_probe.hpp"

namespace lab::runner {

const char* to_string(ImpairmentBackend b) {
    switch (b) {
        case ImpairmentBackend::Auto: return "auto";
        case ImpairmentBackend::Netem: return "netem";
        case ImpairmentBackend::Userspace: return "userspace";
    }
    return "?";
}

std::optional<ImpairmentBackend> impairment_backend_from(const std::string& text) {
    if (text == "auto") return ImpairmentBackend::Auto;
    if (text == "netem") return ImpairmentBackend::Netem;
    if (text == "userspace") return ImpairmentBackend::Userspace;
    return std::nullopt;
}

ImpairmentBackend resolve_backend(ImpairmentBackend requested) {
    if (requested != ImpairmentBackend::Auto) return requested;
    // The kernel's answer does not change while lab runs: probe once, also when scenarios run in parallel.
    static const bool netem_works = probe_qdisc("netem").works;
    return netem_works ? ImpairmentBackend::Netem : ImpairmentBackend::Userspace;
}

TopologySpec::Middle middle_for(ImpairmentBackend backend) {
    return backend == ImpairmentBackend::Userspace ? TopologySpec::Middle::Wire : TopologySpec::Middle::Bridge;
}

}  // namespace lab::runner
