#include "lab/cli/scenario_files.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "runner/scenario_catalogue.hpp"
#include "runner/scenario_parser.hpp"

namespace fs = std::filesystem;

namespace lab::cli {

std::vector<fs::path> catalogue_search_path() {
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    // Without /proc the installed catalogue cannot be placed; ./scenarios is still searched.
    return ec ? std::vector<fs::path>{fs::path("scenarios")} : runner::catalogue_directories(self);
}

std::string describe_search_path(const std::vector<fs::path>& directories) {
    std::string out;
    for (const auto& d : directories) {
        if (!out.empty()) out += ", ";
        out += d.string();
    }
    return out;
}

std::string default_catalogue_directory() {
    const std::vector<fs::path> search = catalogue_search_path();
    for (const auto& d : search) {
        std::error_code ec;
        if (fs::is_directory(d, ec)) return d.string();
    }
    throw std::runtime_error(fmt::format("no scenario catalogue: none of {} is a directory; name one (lab list DIR)",
                                         describe_search_path(search)));
}

std::string resolve_scenario_file(const std::string& arg) {
    std::error_code ec;
    if (fs::exists(arg, ec) || !runner::is_scenario_name(arg)) return arg;
    const std::vector<fs::path> search = catalogue_search_path();
    if (auto found = runner::find_catalogue_scenario(arg, search)) return found->string();
    throw std::runtime_error(fmt::format("{}: no such scenario file or directory, nor a scenario of that name in {}",
                                         arg, describe_search_path(search)));
}

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
        } else if (fs::exists(a, ec) || !runner::is_scenario_name(a)) {
            throw std::runtime_error(a + ": no such scenario file or directory");
        } else {
            out.push_back(resolve_scenario_file(a));
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
