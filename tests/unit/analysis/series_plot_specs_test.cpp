// A sampled run's time series as plot specs: a plot per quantity ever above 0, a line per host or agent,
// and the lines drawn as plain lines (no error bars), by gnuplot for real where it is installed.
#include "analysis/series_plot_specs.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "analysis/gnuplot_process.hpp"
#include "analysis/gnuplot_script.hpp"
#include "analysis/rendered_plot.hpp"

namespace lab::analysis {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

record::HostSeries host(std::string name, double established_step) {
    record::HostSeries s;
    s.host = std::move(name);
    s.every_s = 1;
    for (int i = 0; i < 4; ++i)
        s.points.push_back({static_cast<double>(i), 0.001,
                            {{"sockets.established", established_step * i}, {"sockets.syn-recv", 0}, {"rss.total", 3 * 1024 * 1024}}});
    return s;
}

record::RunRecord sampled_run() {
    record::RunRecord r;
    r.scenario.name = "connscale-100k";
    r.series = {host("server", 1000), host("client1", 500)};
    record::ProcessResult client;
    client.name = "client1";
    client.host = "client1";
    for (int i = 1; i <= 3; ++i)
        client.series.push_back({static_cast<double>(i), {{"established", 500.0 * i}, {"rtt_us.p99", 1500.0 * i}}});
    record::ProcessResult server;  // an agent without per-second lines draws nothing
    server.name = "srv";
    r.processes = {server, client};
    return r;
}

std::vector<std::string> metric_ids(const std::vector<PlotSpec>& specs) {
    std::vector<std::string> ids;
    for (const auto& s : specs) ids.push_back(s.metric_id);
    return ids;
}

TEST(SeriesPlotSpecs, APlotPerQuantityEverAboveZeroWithALinePerHostOrAgent) {
    const auto specs = series_plot_specs(sampled_run());
    // syn-recv stays 0 throughout: no plot of it.
    EXPECT_THAT(metric_ids(specs), ElementsAre("sockets.established", "rss.total", "established", "rtt_us.p99"));
    const PlotSpec& estab = specs[0];
    EXPECT_TRUE(estab.lines);
    EXPECT_TRUE(estab.key);
    EXPECT_EQ(estab.x.kind, AxisKind::Numeric);
    EXPECT_TRUE(estab.x.positions.empty());
    EXPECT_EQ(estab.title, "ESTABLISHED sockets — connscale-100k");
    EXPECT_EQ(estab.file_stem, "series-01-host-sockets.established");
    ASSERT_EQ(estab.series.size(), 2u);
    EXPECT_EQ(estab.series[0].title, "host server");
    ASSERT_EQ(estab.series[0].points.size(), 4u);
    EXPECT_DOUBLE_EQ(estab.series[0].points[3].x, 3);
    EXPECT_DOUBLE_EQ(estab.series[0].points[3].median, 3000);
    EXPECT_DOUBLE_EQ(estab.series[1].points[3].median, 1500);
    // Scaled to the plot's unit: bytes → MiB, µs → ms.
    EXPECT_EQ(specs[1].y_label, "MiB");
    EXPECT_DOUBLE_EQ(specs[1].series[0].points[0].median, 3);
    const PlotSpec& rtt = specs[3];
    EXPECT_EQ(rtt.y_label, "ms");
    EXPECT_FALSE(rtt.key);  // one agent, one line
    ASSERT_EQ(rtt.series.size(), 1u);
    EXPECT_EQ(rtt.series[0].title, "client1.0 on client1");
    EXPECT_DOUBLE_EQ(rtt.series[0].points[2].median, 4.5);
    EXPECT_EQ(rtt.file_stem, "series-04-agent-rtt_us.p99");
}

TEST(SeriesPlotSpecs, NothingSampledIsNothingToPlot) { EXPECT_TRUE(series_plot_specs(record::RunRecord{}).empty()); }

TEST(SeriesPlotSpecs, TheScriptDrawsPlainLinesThroughTheSamples) {
    const auto specs = series_plot_specs(sampled_run());
    const std::string script = gnuplot_script(specs[0]);
    EXPECT_THAT(script, HasSubstr("$series1 using 1:2 with lines title 'host server'"));
    EXPECT_THAT(script, HasSubstr("$series2 using 1:2 with lines title 'host client1'"));
    EXPECT_THAT(script, ::testing::Not(HasSubstr("yerrorlines")));
    EXPECT_THAT(script, ::testing::Not(HasSubstr("set xrange")));  // gnuplot scales the time itself
    try {
        gnuplot_executable();
    } catch (const GnuplotNotFound&) {
        GTEST_SKIP() << "gnuplot not found: install gnuplot-nox (./bootstrap does) to draw the plot";
    }
    const RenderedPlots plots = render_plots({specs[0]});
    ASSERT_EQ(plots.plots.size(), 1u);
    const std::string& svg = plots.plots[0].svg;
    ASSERT_FALSE(svg.empty()) << plots.plots[0].error;
    EXPECT_THAT(svg, HasSubstr(">ESTABLISHED sockets — connscale-100k</text>"));
    EXPECT_THAT(svg, HasSubstr(">host client1</text>"));
    EXPECT_THAT(svg, HasSubstr(">time since the timeline started (s)</text>"));
}

}  // namespace
}  // namespace lab::analysis
