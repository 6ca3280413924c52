#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "lab/cli/commands.hpp"
#include "lab/cli/scenario_files.hpp"
#include "runner/scenario_parser.hpp"

namespace lab::cli {

Command add_list(CLI::App& app) {
    auto dir = std::make_shared<std::string>();
    CLI::App* sub = app.add_subcommand("list", "List the scenarios of a directory: name, source, summary");
    sub->add_option("dir", *dir,
                    "Directory of *.toml scenarios (default: the catalogue, ./scenarios or else the installed "
                    "../share/lab/scenarios beside the lab program)");
    return [dir] {
        if (dir->empty()) *dir = default_catalogue_directory();
        struct Row {
            std::string name, source, summary;
        };
        std::vector<Row> rows;
        int status = kExitPass;
        for (const auto& file : expand_scenario_args({*dir})) {
            try {
                runner::Scenario s = runner::parse_scenario_file(file);
                std::string source = s.source_doc.empty() ? "" : "seed " + s.source_doc;
                if (!s.source_kernel.empty()) source += ", " + s.source_kernel;
                rows.push_back({s.name, source, s.summary});
            } catch (const runner::ScenarioError& e) {
                rows.push_back({file, "INVALID", e.diagnostics().front()});
                status = kExitError;
            }
        }
        std::size_t wn = 8, ws = 6;
        for (const auto& r : rows) wn = std::max(wn, r.name.size()), ws = std::max(ws, r.source.size());
        fmt::print("{:<{}}  {:<{}}  {}\n", "scenario", wn, "source", ws, "summary");
        for (const auto& r : rows) fmt::print("{:<{}}  {:<{}}  {}\n", r.name, wn, r.source, ws, r.summary);
        return status;
    };
}

}  // namespace lab::cli
