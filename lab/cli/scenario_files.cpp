#include "lab/cli/scenario_files.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "runner/scenario_parser.hpp"

namespace fs = std::filesystem;

namespace lab::cli {

std::vector<std::string> expand_scenario_args(const std::vector<std::string>& args) {
    std::vector<std::string> out;
    for (const auto& a : args) {
        std::error_code ec;
        if (fs::is_directory(a, ec)) {
            std::vector<std::string> found;
            for (const auto& e : fs::directory_iterator(a))
                if (e.is_regular_file() && e.path().extension() == ".toml") found.push_back(e.path().string());
            std::sort(found.begin(), found.end());
            if (found.empty()) throw std::runtime_error(a + ": directory holds no *.toml scenario");
            out.insert(out.end(), found.begin(), found.end());
        } else if (fs::is_regular_file(a, ec)) {
            out.push_back(a);
        } else {
            throw std::runtime_error(a + ": no such scenario file or directory");
        }
    }
    return out;
}

std::optional<std::vector<runner::Scenario>> load_scenarios_or_report(const std::vector<std::string>& args,
                                                                      std::string_view command,
                                                                      const std::map<std::string, std::string>& sweep_set) {
    std::vector<runner::Scenario> scenarios;
    bool invalid = false;
    for (const auto& f : expand_scenario_args(args)) {
        try {
            scenarios.push_back(runner::parse_scenario_file(f, runner::current_resource_limits(), sweep_set));
        } catch (const runner::ScenarioError& e) {
            for (const auto& d : e.diagnostics()) fmt::print(stderr, "{}\n", d);
            invalid = true;
        }
    }
    if (!invalid) return scenarios;
    fmt::print(stderr, "{}: nothing was run: fix the scenario errors above\n", command);
    return std::nullopt;
}

}  // namespace lab::cli
