#include "lab/cli/sweep_reports.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "analysis/evaluate.hpp"
#include "analysis/junit_xml.hpp"
#include "analysis/observe.hpp"
#include "analysis/plot_spec.hpp"
#include "analysis/rendered_plot.hpp"
#include "analysis/sweep_report_html.hpp"
#include "analysis/sweep_report_markdown.hpp"
#include "analysis/sweep_results.hpp"
#include "analysis/sweep_series_plots.hpp"
#include "lab/cli/record_files.hpp"

namespace fs = std::filesystem;

namespace lab::cli {

std::vector<analysis::StoredRecord> load_sweep_records(const fs::path& dir) {
    std::vector<analysis::StoredRecord> out;
    for (const auto& path : find_record_files({dir.string()})) out.push_back(load_sweep_record(path, dir));
    return out;
}

analysis::StoredRecord load_sweep_record(const fs::path& file, const fs::path& base) {
    record::RunRecord rec = load_record(file.string());
    rec.verdicts = analysis::evaluate(rec);
    rec.metric_values = analysis::measure(rec);
    return {fs::relative(file, base).string(), std::move(rec)};
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
