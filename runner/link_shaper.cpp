#include "runner/link_shaper.hpp"

#include "runner/netem_shaper.hpp"
#include "runner/wire_shaper.hpp"

namespace lab::runner {

std::unique_ptr<LinkShaper> start_link_shaper(ImpairmentBackend backend, const ShaperContext& context) {
    switch (resolve_backend(backend)) {
        case ImpairmentBackend::Netem: return std::make_unique<NetemShaper>(context);
        case ImpairmentBackend::Userspace: return std::make_unique<WireShaper>(context);
        case ImpairmentBackend::Auto: break;
    }
    return nullptr;
}

}  // namespace lab::runner
