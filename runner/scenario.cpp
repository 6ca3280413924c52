#include "runner/scenario.hpp"

#include <fmt/format.h>

namespace lab::runner {

std::string SourceLocation::str() const { return fmt::format("{}:{}:{}", file, line, column); }

const HostSpec* Scenario::find_host(const std::string& n) const {
    for (const auto& h : hosts)
        if (h.name == n) return &h;
    return nullptr;
}

}  // namespace lab::runner
