// gnuplot for real: a small sweep drawn as SVG, and the ways running it can go wrong. Skipped, with a
// message, where gnuplot is not installed (./bootstrap installs gnuplot-nox).
#include <cstdlib>

#include <gtest/gtest.h>

#include "analysis/gnuplot_process.hpp"
#include "analysis/gnuplot_script.hpp"
#include "analysis/rendered_plot.hpp"
#include "sweep_records.hpp"
#include "tests/unit/text_lines.hpp"

namespace lab::analysis {
namespace {

using test::full_grid;
using test::stored;

bool have_gnuplot() {
    try {
        gnuplot_executable();
        return true;
    } catch (const GnuplotNotFound&) {
        return false;
    }
}

#define SKIP_WITHOUT_GNUPLOT() \
    if (!have_gnuplot()) GTEST_SKIP() << "gnuplot not found: install gnuplot-nox (./bootstrap does) to run this test"

using lab::test::occurrences;

TEST(GnuplotRender, ASmallSweepBecomesAnSvgWithItsTitleAndALinePerSeries) {
    SKIP_WITHOUT_GNUPLOT();
    auto records = full_grid({{"backlog", {"16", "64", "256"}}, {"tcp_syncookies", {"0", "1"}}}, 3);
    test::set_metric(stored(records, {"64", "1"}, 2).record, "accept_queue", 70);
    for (auto& r : records) r.record.metrics[0].description = "queue <len> & \"more\"";
    auto specs = sweep_plot_specs(gather_sweep(records));
    ASSERT_EQ(specs.size(), 2u);
    RenderedPlots plots = render_plots({specs[0]});
    ASSERT_EQ(plots.plots.size(), 1u);
    EXPECT_EQ(plots.unavailable, "");
    const std::string& svg = plots.plots[0].svg;
    ASSERT_FALSE(svg.empty()) << plots.plots[0].error;
    EXPECT_NE(svg.find("<svg"), std::string::npos);
    EXPECT_NE(svg.find("viewBox=\"0 0 720 450\""), std::string::npos);
    EXPECT_NE(svg.find(">accept_queue — queue &lt;len> &amp; \"more\"</text>"), std::string::npos) << svg;
    EXPECT_NE(svg.find(">tcp_syncookies=0</text>"), std::string::npos);
    EXPECT_NE(svg.find(">tcp_syncookies=1</text>"), std::string::npos);
    // One group per line series, each drawing its line as a path.
    EXPECT_EQ(occurrences(svg, "<g id=\"lab_plot_1_plot_"), 2u) << svg;
    for (int series = 1; series <= 2; ++series) {
        std::size_t at = svg.find("<g id=\"lab_plot_1_plot_" + std::to_string(series) + "\"");
        ASSERT_NE(at, std::string::npos);
        // Its group holds nested groups: it ends where the next series' starts, or the key and title do.
        std::size_t end = svg.find("<g id=\"lab_plot_1_plot_" + std::to_string(series + 1) + "\"", at);
        if (end == std::string::npos) end = svg.find("</svg>", at);
        EXPECT_NE(svg.substr(at, end - at).find("<path"), std::string::npos) << "series " << series << " draws no path";
    }
    EXPECT_NE(svg.find(">connections</text>"), std::string::npos);
    EXPECT_NE(svg.find(">backlog</text>"), std::string::npos);
}

TEST(GnuplotRender, AScriptErrorNamesGnuplotsExitStatusAndMessage) {
    SKIP_WITHOUT_GNUPLOT();
    try {
        run_gnuplot(gnuplot_terminal("p") + "plot $nothing using 1:2\n");
        FAIL() << "no error";
    } catch (const GnuplotNotFound&) {
        FAIL() << "gnuplot is there";
    } catch (const std::runtime_error& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("exited with status 1"), std::string::npos) << what;
        EXPECT_NE(what.find("no datablock named $nothing"), std::string::npos) << what;
    }
}

TEST(GnuplotRender, AGnuplotThatDoesNotFinishIsKilledAtTheDeadline) {
    SKIP_WITHOUT_GNUPLOT();
    auto started = std::chrono::steady_clock::now();
    try {
        run_gnuplot("pause 30\n", std::chrono::milliseconds(300));
        FAIL() << "no error";
    } catch (const std::runtime_error& e) {
        EXPECT_NE(std::string(e.what()).find("no result within 300 ms; killed"), std::string::npos) << e.what();
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST(GnuplotRender, WithoutGnuplotOnPathTheErrorSaysWhatToInstall) {
    const char* old = std::getenv("PATH");
    std::string saved = old ? old : "";
    ::setenv("PATH", "/nonexistent", 1);
    auto specs = sweep_plot_specs(gather_sweep(full_grid({{"backlog", {"16", "64"}}}, 1)));
    RenderedPlots plots = render_plots(specs);
    bool threw = false;
    try {
        run_gnuplot("plot x\n");
    } catch (const GnuplotNotFound& e) {
        threw = true;
        EXPECT_STREQ(e.what(), "gnuplot not found: install gnuplot-nox");
    }
    ::setenv("PATH", saved.c_str(), 1);
    EXPECT_TRUE(threw);
    EXPECT_EQ(plots.unavailable, "gnuplot not found: install gnuplot-nox");
    ASSERT_EQ(plots.plots.size(), 2u);
    EXPECT_EQ(plots.plots[1].svg, "");
    EXPECT_EQ(plots.plots[1].error, "gnuplot not found: install gnuplot-nox");
}

TEST(GnuplotRender, APlotWithNothingToDrawDoesNotRunGnuplot) {
    auto records = full_grid({{"backlog", {"16"}}}, 1);
    test::set_metric(records[0].record, "accept_queue", std::nullopt, "no snapshot");
    auto specs = sweep_plot_specs(gather_sweep(records));
    RenderedPlots plots = render_plots({specs[0]});
    ASSERT_EQ(plots.plots.size(), 1u);
    EXPECT_EQ(plots.plots[0].error, "no values to plot");
    EXPECT_EQ(plots.plots[0].svg, "");
}

}  // namespace
}  // namespace lab::analysis
