#include <cerrno>
#include <filesystem>
#include <fstream>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/capture_list.hpp"
#include "analysis/series_table.hpp"
#include "analysis/evaluate.hpp"
#include "analysis/verdict_table.hpp"
#include "lab/cli/commands.hpp"
#include "lab/cli/sudo_caller.hpp"
#include "sys/kernel_error.hpp"

namespace lab::cli {

Command add_report(CLI::App& app) {
    struct Args {
        std::vector<std::string> records;
        bool markdown = false;
    };
    auto args = std::make_shared<Args>();
    CLI::App* sub = app.add_subcommand("report", "Judge stored run records again and print their verdict tables");
    sub->add_option("records", args->records, "record.json files written by lab run")->required()->check(CLI::ExistingFile);
    sub->add_flag("--markdown", args->markdown, "Print Markdown tables");
    return [args] {
        act_as_caller_under_sudo();  // reads only: no root needed, and none used to read
        int status = kExitPass;
        for (const auto& path : args->records) {
            std::ifstream in(path);
            if (!in) {
                fmt::print(stderr, "{}: cannot open: {}\n", path, sys::describe_errno(errno));
                status = kExitError;
                continue;
            }
            nlohmann::json j;
            try {
                j = nlohmann::json::parse(in);
            } catch (const nlohmann::json::parse_error& e) {
                fmt::print(stderr, "{}: not JSON: {}\n", path, e.what());
                status = kExitError;
                continue;
            }
            record::RunRecord rec;
            try {
                rec = record::run_record_from_json(j);
            } catch (const std::exception& e) {
                fmt::print(stderr, "{}: {}\n", path, e.what());
                status = kExitError;
                continue;
            }
            // A run directory copied elsewhere keeps its captures beside record.json: read them there.
            const auto record_dir = std::filesystem::absolute(path).parent_path();
            if (!rec.captures.empty() && !std::filesystem::exists(rec.run.directory) &&
                std::filesystem::exists(record_dir / rec.captures.front().file))
                rec.run.directory = record_dir.string();
            auto verdicts = analysis::evaluate(rec);
            fmt::print("{}\n", args->markdown ? analysis::verdict_table_markdown(rec, verdicts)
                                              : analysis::verdict_table(rec, verdicts));
            if (const std::string captures = analysis::capture_list(rec); !captures.empty()) fmt::print("{}\n", captures);
            if (const std::string series = analysis::series_table(rec); !series.empty()) {
                fmt::print("{}\n", series);
                std::size_t svgs = 0;
                std::error_code ec;
                for (const auto& e : std::filesystem::directory_iterator(record_dir / "plots", ec))
                    svgs += e.path().extension() == ".svg" && e.path().filename().string().rfind("series-", 0) == 0;
                if (svgs > 0) fmt::print("series plots: {} ({} SVG files)\n\n", (record_dir / "plots").string(), svgs);
            }
            for (const auto& v : verdicts)
                if (v.status == record::VerdictStatus::Fail && status == kExitPass) status = kExitFail;
        }
        return status;
    };
}

}  // namespace lab::cli
