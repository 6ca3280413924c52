#include <fmt/format.h>

#include "lab/cli/commands.hpp"
#include "lab/cli/doctor_checks.hpp"

namespace lab::cli {

Command add_doctor(CLI::App& app) {
    app.add_subcommand("doctor", "Check what this machine and kernel offer the lab: a table of what works where");
    return [] {
        auto checks = run_doctor_checks();
        std::size_t wn = 5, ws = 6;
        for (const auto& c : checks) wn = std::max(wn, c.name.size()), ws = std::max(ws, c.status.size());
        fmt::print("{:<{}}  {:<{}}  {}\n", "check", wn, "status", ws, "detail");
        bool essential_missing = false;
        for (const auto& c : checks) {
            fmt::print("{:<{}}  {:<{}}  {}\n", c.name, wn, c.status, ws, c.detail);
            essential_missing = essential_missing || (c.essential && c.status != "ok");
        }
        return essential_missing ? kExitError : kExitPass;
    };
}

}  // namespace lab::cli
