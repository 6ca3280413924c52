#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lab/cli/commands.hpp"
#include "lab/cli/doctor_checks.hpp"

namespace lab::cli {

Command add_doctor(CLI::App& app) {
    auto json = std::make_shared<bool>(false);
    CLI::App* sub =
        app.add_subcommand("doctor", "Check what this machine and kernel offer the lab: a table of what works where");
    sub->add_flag("--json", *json, "One JSON document on stdout (docs/json-output.md)");
    sub->footer("Exit status: 0 lab run can work here, 2 an essential check failed.");
    return [json] {
        auto checks = run_doctor_checks();
        bool essential_missing = false;
        for (const auto& c : checks) essential_missing = essential_missing || (c.essential && c.status != "ok");
        if (*json) {
            nlohmann::json list = nlohmann::json::array();
            for (const auto& c : checks)
                list.push_back({{"name", c.name}, {"status", c.status}, {"detail", c.detail}, {"essential", c.essential}});
            fmt::print("{}\n", nlohmann::json{{"schema", "lab.doctor/1"}, {"ready", !essential_missing}, {"checks", list}}.dump(2));
            return essential_missing ? kExitError : kExitPass;
        }
        std::size_t wn = 5, ws = 6;
        for (const auto& c : checks) wn = std::max(wn, c.name.size()), ws = std::max(ws, c.status.size());
        fmt::print("{:<{}}  {:<{}}  {}\n", "check", wn, "status", ws, "detail");
        for (const auto& c : checks) fmt::print("{:<{}}  {:<{}}  {}\n", c.name, wn, c.status, ws, c.detail);
        return essential_missing ? kExitError : kExitPass;
    };
}

}  // namespace lab::cli
