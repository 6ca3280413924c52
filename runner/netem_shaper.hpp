#pragma once
// The netem backend: each direction of a shaped link is a netem qdisc (tbf under it for a rate) on the
// switch-side port facing the receiver; a blackhole takes the link's ports off their bridge. Needs
// sch_netem in the kernel.
#include "runner/link_shaper.hpp"

namespace lab::runner {

class NetemShaper final : public LinkShaper {
public:
    explicit NetemShaper(const ShaperContext& context);
    void apply(const LinkSpec& link, const std::vector<DirectedImpairment>& impairments) override;
    std::vector<record::ProcessResult> finish(double) override { return {}; }

private:
    const Topology& topology_;
};

}  // namespace lab::runner
