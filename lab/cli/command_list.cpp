#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/scenario_list_text.hpp"
#include "lab/cli/commands.hpp"
#include "lab/cli/diagnostic_json.hpp"
#include "lab/cli/scenario_files.hpp"
#include "lab/cli/sudo_caller.hpp"
#include "lab/cli/terminal_width.hpp"
#include "runner/scenario_parser.hpp"

namespace lab::cli {
namespace {

struct ListArgs {
    std::string dir;  // "": the catalogue (default_catalogue_directory)
    bool long_form = false;
    bool json = false;
};

// Where --long wraps when stdout has no width: what man and fmt take.
constexpr std::size_t kDefaultWrapWidth = 80;

}  // namespace

Command add_list(CLI::App& app) {
    auto args = std::make_shared<ListArgs>();
    CLI::App* sub = app.add_subcommand("list", "List the scenarios of a directory: name, source, summary");
    sub->add_option("dir", args->dir,
                    "Directory of *.toml scenarios (default: the catalogue, ./scenarios or else the installed "
                    "../share/lab/scenarios beside the lab program)");
    sub->add_flag("-l,--long", args->long_form, "Each summary in full, wrapped under its scenario's name");
    sub->add_flag("--json", args->json, "One JSON document on stdout (docs/json-output.md)");
    sub->footer("On a terminal each scenario is one line, cut to the terminal's width ($COLUMNS when set); into a "
                "pipe or a file the lines are whole.\nExit status: 0 every scenario is valid, 2 some is not.");
    return [args] {
        act_as_caller_under_sudo();  // reads only: no root needed, and none used to read
        if (args->dir.empty()) args->dir = default_catalogue_directory();
        std::vector<analysis::ScenarioListRow> rows;
        nlohmann::json scenarios = nlohmann::json::array();
        int status = kExitPass;
        for (const auto& file : expand_scenario_args({args->dir})) {
            try {
                runner::Scenario s = runner::parse_scenario_file(file);
                std::string source = s.source_doc.empty() ? "" : "seed " + s.source_doc;
                if (!s.source_kernel.empty()) source += ", " + s.source_kernel;
                rows.push_back({s.name, source, s.summary});
                scenarios.push_back({{"file", file},
                                     {"valid", true},
                                     {"name", s.name},
                                     {"summary", s.summary},
                                     {"source_doc", s.source_doc},
                                     {"source_kernel", s.source_kernel},
                                     {"sweep", s.sweep.has_value()},
                                     {"diagnostics", nlohmann::json::array()}});
            } catch (const runner::ScenarioError& e) {
                rows.push_back({file, "INVALID", e.diagnostics().front()});
                scenarios.push_back({{"file", file}, {"valid", false}, {"diagnostics", diagnostics_json(e.diagnostics())}});
                status = kExitError;
            }
        }
        if (args->json) {
            fmt::print("{}\n", nlohmann::json{{"schema", "lab.list/1"}, {"scenarios", scenarios}}.dump(2));
        } else if (args->long_form) {
            fmt::print("{}", analysis::scenario_list_long_text(rows, stdout_width().value_or(kDefaultWrapWidth)));
        } else {
            fmt::print("{}", analysis::scenario_list_text(rows, stdout_width()));
        }
        return status;
    };
}

}  // namespace lab::cli
