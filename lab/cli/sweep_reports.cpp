#include "lab/cli/sweep_reports.hpp"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "analysis/evaluate.hpp"
#include "analysis/junit_xml.hpp"
#include "analysis/observe.hpp"
#include "analysis/plot_spec.hpp"
#include "analysis/rendered_plot.hpp"
#include "analysis/sweep_report_html.hpp"
#include "analysis/sweep_report_markdown.hpp"
#include "analysis/sweep_results.hpp"
#include "analysis/sweep_series_plots.hpp"
#include "analysis/verdict_counts.hpp"
#include "lab/cli/commands.hpp"
#include "lab/cli/record_files.hpp"

namespace fs = std::filesystem;

namespace lab::cli {

namespace {

// A sweep directory holds runs/<run>/record.json, a guest's vm-PKG/sweep/runs/<run>/record.json, shards'
// shard-N/runs/<run>/record.json: nothing deeper than this is a sweep's.
constexpr int kRecordSearchDepth = 8;

analysis::StoredRecord judged(record::RunRecord rec, std::string source) {
    rec.verdicts = analysis::evaluate(rec);
    rec.metric_values = analysis::measure(rec);
    return {std::move(source), std::move(rec)};
}

record::RunRecord record_from_text(const std::string& text, const std::string& what) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) throw std::runtime_error(what + ": not JSON");
    try {
        return record::run_record_from_json(j);
    } catch (const std::exception& e) {
        throw std::runtime_error(what + ": " + e.what());
    }
}

// The record.json files below `dir`, by descriptor: `below` is their path from the sweep directory.
void find_records(const sys::Directory& dir, const fs::path& below, int depth,
                  std::vector<std::pair<std::string, std::string>>& found) {
    for (const auto& name : dir.entries()) {
        struct stat st {};
        if (::fstatat(dir.fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone meanwhile
        if (S_ISREG(st.st_mode) && name == "record.json") {
            if (auto text = dir.read_file(name)) found.emplace_back((below / name).string(), std::move(*text));
        } else if (S_ISDIR(st.st_mode) && depth < kRecordSearchDepth) {
            if (auto sub = dir.existing_subdirectory(name)) find_records(*sub, below / name, depth + 1, found);
        }
    }
}

}  // namespace

std::vector<analysis::StoredRecord> load_sweep_records(const fs::path& dir) {
    std::vector<analysis::StoredRecord> out;
    for (const auto& path : find_record_files({dir.string()})) out.push_back(load_sweep_record(path, dir));
    return out;
}

std::vector<analysis::StoredRecord> load_sweep_records(const sys::Directory& dir) {
    std::vector<std::pair<std::string, std::string>> found;  // source, text
    find_records(dir, {}, 0, found);
    std::sort(found.begin(), found.end());
    std::vector<analysis::StoredRecord> out;
    for (auto& [source, text] : found)
        out.push_back(judged(record_from_text(text, (dir.path() / source).string()), source));
    return out;
}

analysis::StoredRecord load_sweep_record(const fs::path& file, const fs::path& base) {
    return judged(load_record(file.string()), fs::relative(file, base).string());
}

SweepTally tally_sweep(const analysis::Sweep& sweep) {
    SweepTally t;
    for (const auto& cell : sweep.cells) {
        if (cell.in_grid && cell.runs.size() < static_cast<std::size_t>(sweep.repeats))
            t.missing += static_cast<std::size_t>(sweep.repeats) - cell.runs.size();
        for (const auto& r : cell.runs) {
            if (r.record.run.outcome == record::RunOutcome::Error) ++t.errors;
            else if (r.record.run.outcome == record::RunOutcome::Interrupted) ++t.interrupted;
            else if (analysis::count_verdicts(r.record.verdicts).failed > 0) ++t.failed;
        }
    }
    return t;
}

int sweep_exit_status(const SweepTally& t, bool whole_grid) {
    if (t.errors > 0 || t.interrupted > 0 || (whole_grid && t.missing > 0)) return kExitError;
    return t.failed > 0 ? kExitFail : kExitPass;
}

std::string sweep_problem_text(const SweepTally& t, bool whole_grid) {
    std::vector<std::string> parts;
    if (t.errors > 0) parts.push_back(fmt::format("{} run{} errored", t.errors, t.errors == 1 ? "" : "s"));
    if (t.interrupted > 0)
        parts.push_back(fmt::format("{} run{} interrupted", t.interrupted, t.interrupted == 1 ? " was" : "s were"));
    if (whole_grid && t.missing > 0)
        parts.push_back(fmt::format("{} run{} no record", t.missing, t.missing == 1 ? " has" : "s have"));
    return fmt::format("{}", fmt::join(parts, ", "));
}

WrittenReports write_sweep_reports(const sys::Directory& sweep_dir, std::vector<analysis::StoredRecord> records) {
    WrittenReports w;
    w.sweep = analysis::gather_sweep(std::move(records));
    auto write = [&](const std::string& name, const std::string& content) {
        sweep_dir.write_file(name, content, 0644);
        w.files.push_back(name);
    };
    write("results.csv", analysis::results_csv(w.sweep));
    write("results.jsonl", analysis::results_jsonl(w.sweep));
    write("report.md", analysis::sweep_report_markdown(w.sweep));
    write("junit.xml", analysis::sweep_junit_xml(w.sweep));
    const analysis::RenderedPlots plots = analysis::render_plots(analysis::sweep_plot_specs(w.sweep));
    const analysis::RenderedPlots series_plots = analysis::render_plots(analysis::sweep_series_plot_specs(w.sweep));
    write("report.html", analysis::sweep_report_html(w.sweep, plots, series_plots));
    w.plots_note = plots.unavailable.empty() ? series_plots.unavailable : plots.unavailable;
    // The plots also as files, for slides and READMEs; a plot drawn before and not now is not left stale.
    if (sweep_dir.contains("plots")) sweep_dir.remove("plots");
    const sys::Directory plot_dir = sweep_dir.create_subdirectory("plots", 0755);
    std::size_t failed = 0, all = 0;
    for (const auto* drawn : {&plots, &series_plots})
        for (const auto& p : drawn->plots) {
            ++all;
            if (p.svg.empty()) {
                ++failed;
                continue;
            }
            plot_dir.write_file(p.spec.file_stem + ".svg", p.svg, 0644);
            w.files.push_back("plots/" + p.spec.file_stem + ".svg");
        }
    if (w.plots_note.empty() && failed > 0) w.plots_note = fmt::format("{} of {} plots could not be drawn (report.html says why)", failed, all);
    return w;
}

}  // namespace lab::cli
