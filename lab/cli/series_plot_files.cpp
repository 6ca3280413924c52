#include "lab/cli/series_plot_files.hpp"

#include <fmt/format.h>

#include "analysis/rendered_plot.hpp"
#include "analysis/series_plot_specs.hpp"

namespace lab::cli {

std::string write_series_plots(const record::RunRecord& record, const sys::Directory& run_directory) {
    const auto specs = analysis::series_plot_specs(record);
    if (specs.empty()) return {};
    const analysis::RenderedPlots plots = analysis::render_plots(specs);
    if (!plots.unavailable.empty()) return fmt::format("series plots not drawn: {}", plots.unavailable);
    // The run directory is new, so `plots` is too: one already there is refused (EEXIST), never replaced.
    const sys::Directory plot_dir = run_directory.create_subdirectory("plots", 0755);
    std::size_t failed = 0;
    std::string first_error;
    for (const auto& p : plots.plots) {
        if (p.svg.empty()) {
            if (!failed++) first_error = fmt::format("{}: {}", p.spec.file_stem, p.error);
            continue;
        }
        plot_dir.write_file(p.spec.file_stem + ".svg", p.svg, 0644);
    }
    if (failed == 0) return {};
    return fmt::format("{} of {} series plots could not be drawn: {}", failed, plots.plots.size(), first_error);
}

}  // namespace lab::cli
