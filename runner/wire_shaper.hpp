#pragma once
// The userspace backend: one lab-wire process per shaped link, in the switch namespace, forwarding frames
// between the link's two unbridged ports and shaping each direction itself; works on any kernel. Its
// control socket lives in /run/lab/wire/<run id>/ (0700), which goes with the run.
#include <optional>
#include <string>
#include <vector>

#include "runner/link_shaper.hpp"
#include "sys/directory.hpp"
#include "sys/process.hpp"

namespace lab::runner {

class WireShaper final : public LinkShaper {
public:
    explicit WireShaper(const ShaperContext& context);
    ~WireShaper() override;
    void apply(const LinkSpec& link, const std::vector<DirectedImpairment>& impairments) override;
    std::vector<record::ProcessResult> finish(double t_now) override;

private:
    struct Wire {
        std::string link;
        std::string control_path;
        record::ProcessResult result;
        std::optional<sys::Process> process;
    };
    void start(const ShaperContext& context, const LinkSpec& link);
    void remove_control_directory() noexcept;

    sys::Directory control_root_;            // /run/lab/wire
    std::optional<sys::Directory> control_;  // its <run id>/ for this run
    std::string control_name_;
    std::vector<Wire> wires_;
};

}  // namespace lab::runner
