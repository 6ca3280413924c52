#include "analysis/rendered_plot.hpp"

#include "analysis/gnuplot_process.hpp"
#include "analysis/gnuplot_script.hpp"

namespace lab::analysis {

RenderedPlots render_plots(const std::vector<PlotSpec>& specs, std::chrono::milliseconds limit_each) {
    RenderedPlots out;
    for (const auto& spec : specs) {
        RenderedPlot plot{spec, "", ""};
        if (spec.series.empty()) {
            plot.error = "no values to plot";
        } else if (!out.unavailable.empty()) {
            plot.error = out.unavailable;
        } else {
            try {
                plot.svg = run_gnuplot(gnuplot_script(spec), limit_each);
            } catch (const GnuplotNotFound& e) {
                out.unavailable = e.what();
                plot.error = e.what();
            } catch (const std::exception& e) {
                plot.error = e.what();
            }
        }
        out.plots.push_back(std::move(plot));
    }
    return out;
}

}  // namespace lab::analysis
