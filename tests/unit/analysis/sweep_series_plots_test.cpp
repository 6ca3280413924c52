// A sweep's time series: a plot per quantity some cell sampled above 0, a line per cell (its first run)
// and program, summed over the run's hosts or a program's copies (each at its latest sample), the highest
// of them for a percentile; and report.html's section that shows them.
#include "analysis/sweep_series_plots.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "analysis/rendered_plot.hpp"
#include "analysis/sweep_report_html.hpp"
#include "sweep_records.hpp"

namespace lab::analysis {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pointwise;

// Two hosts sampled every 0.5 s, each ESTABLISHED = per_host × sample index; one agent copy per host,
// reporting on its own clock (t = k + offset), with rtt p99 = per_host × k ms.
void sample(record::RunRecord& r, double per_host) {
    for (const char* name : {"server", "client"}) {
        record::HostSeries s;
        s.host = name;
        s.every_s = 0.5;
        for (int i = 0; i < 4; ++i) s.points.push_back({0.5 * i + 0.01, 0.001, {{"sockets.established", per_host * i}}});
        r.series.push_back(s);
    }
    for (double offset : {0.1, 0.4}) {
        record::ProcessResult p;
        p.name = "cli";
        p.instance = offset < 0.2 ? 0 : 1;
        for (int k = 1; k <= 2; ++k) p.series.push_back({k + offset, {{"rtt_us.p99", 1000.0 * per_host * k * (offset < 0.2 ? 1 : 2)}}});
        r.processes.push_back(p);
    }
}

Sweep sampled_sweep() {
    auto records = test::full_grid({{"backlog", {"16", "64"}}}, 2);
    for (auto& stored : records)
        sample(stored.record, stored.record.sweep->values[0].text == "16" ? 1 : 10);
    // A second repeat that differs: only the first run of a cell is drawn.
    test::stored(records, {"64"}, 1).record.series.front().points.front().values["sockets.established"] = 1e9;
    return gather_sweep(records);
}

TEST(SweepSeriesPlots, APlotPerQuantityWithALinePerCellSummedOverHosts) {
    const auto specs = sweep_series_plot_specs(sampled_sweep());
    ASSERT_EQ(specs.size(), 2u);  // nothing else was ever above 0
    const PlotSpec& estab = specs[0];
    EXPECT_EQ(estab.metric_id, "sockets.established");
    EXPECT_EQ(estab.file_stem, "series-01-host-sockets.established");
    EXPECT_EQ(estab.title, "ESTABLISHED sockets — backlog-overflow, all hosts of each cell's first run");
    EXPECT_TRUE(estab.lines);
    EXPECT_TRUE(estab.key);
    ASSERT_EQ(estab.series.size(), 2u);
    EXPECT_EQ(estab.series[0].title, "backlog=16");
    EXPECT_EQ(estab.series[1].title, "backlog=64");
    // Both hosts' samples of a period add up: 2 × 10 × i, at the period's start.
    std::vector<double> t, v;
    for (const auto& p : estab.series[1].points) {
        t.push_back(p.x);
        v.push_back(p.median);
    }
    EXPECT_THAT(t, Pointwise(DoubleNear(1e-9), std::vector<double>{0.01, 0.51, 1.01, 1.51}));
    EXPECT_THAT(v, ElementsAre(0, 20, 40, 60));
}

TEST(SweepSeriesPlots, APercentileShowsTheHighestAgentCopyPerSecond) {
    const auto specs = sweep_series_plot_specs(sampled_sweep());
    ASSERT_EQ(specs.size(), 2u);
    const PlotSpec& rtt = specs[1];
    EXPECT_EQ(rtt.metric_id, "rtt_us.p99");
    EXPECT_EQ(rtt.file_stem, "series-02-agent-rtt_us.p99");
    EXPECT_THAT(rtt.title, HasSubstr("the highest copy of each cell's first run"));
    ASSERT_EQ(rtt.series.size(), 2u);
    // Copy 0 reports at k + 0.1, copy 1 (twice its values) at k + 0.4: at 1.1 only copy 0 has reported (1 ms);
    // at 2.1 copy 1's line of 1.4 (2 ms) is the higher.
    std::vector<double> t, v;
    for (const auto& p : rtt.series[0].points) {
        t.push_back(p.x);
        v.push_back(p.median);
    }
    EXPECT_THAT(t, Pointwise(DoubleNear(1e-9), std::vector<double>{1.1, 2.1}));
    EXPECT_THAT(v, ElementsAre(1, 2));
}

TEST(SweepSeriesPlots, EachProgramHasItsOwnLineAndAnEndedCopyAddsNothing) {
    auto records = test::full_grid({{"backlog", {"16"}}}, 1);
    record::RunRecord& r = records[0].record;
    for (const char* name : {"cli", "cli", "srv"}) {
        record::ProcessResult p;
        p.name = name;
        for (int k = 1; k <= 4; ++k) p.series.push_back({static_cast<double>(k), {{"established", 100}}});
        r.processes.push_back(p);
    }
    r.processes[1].series.resize(2);  // the second client copy ended after 2 s
    const auto specs = sweep_series_plot_specs(gather_sweep(records));
    ASSERT_EQ(specs.size(), 1u);
    ASSERT_EQ(specs[0].series.size(), 2u);
    EXPECT_EQ(specs[0].series[0].title, "backlog=16: cli");
    EXPECT_EQ(specs[0].series[1].title, "backlog=16: srv");
    std::vector<double> cli, srv;
    for (const auto& p : specs[0].series[0].points) cli.push_back(p.median);
    for (const auto& p : specs[0].series[1].points) srv.push_back(p.median);
    EXPECT_THAT(cli, ElementsAre(200, 200, 200, 100)) << "the ended copy counts through its last interval, then not";
    EXPECT_THAT(srv, ElementsAre(100, 100, 100, 100));
}

TEST(SweepSeriesPlots, NothingWhenNoRunSampled) {
    EXPECT_TRUE(sweep_series_plot_specs(gather_sweep(test::full_grid({{"backlog", {"16", "64"}}}, 1))).empty());
}

TEST(SweepSeriesPlots, AMissingCellHasNoLine) {
    auto records = test::full_grid({{"backlog", {"16", "64"}}}, 1);
    sample(records[0].record, 1);
    std::erase_if(records, [](const StoredRecord& r) { return r.record.sweep->values[0].text == "64"; });
    const auto specs = sweep_series_plot_specs(gather_sweep(records));
    ASSERT_FALSE(specs.empty());
    ASSERT_EQ(specs[0].series.size(), 1u);
    EXPECT_EQ(specs[0].series[0].title, "backlog=16");
    EXPECT_FALSE(specs[0].key);  // one line: no legend
}

TEST(SweepSeriesPlots, ReportHtmlHasATimeSeriesSectionOnlyWhenThereArePlots) {
    const Sweep s = sampled_sweep();
    RenderedPlots series;
    for (const auto& spec : sweep_series_plot_specs(s))
        series.plots.push_back({spec, "<svg viewBox=\"0 0 10 10\"><g id=\"gnuplot_canvas\"></g></svg>", ""});
    series.plots.back().svg.clear();
    series.plots.back().error = "gnuplot exited with status 1";
    const std::string html = sweep_report_html(s, RenderedPlots{}, series);
    EXPECT_THAT(html, HasSubstr("<h2>Time series</h2>"));
    EXPECT_THAT(html, HasSubstr("<figure class=\"plot\" id=\"lab_sweep_series_1\">"));
    EXPECT_THAT(html, HasSubstr("<g id=\"lab_sweep_series_1-gnuplot_canvas\">"));
    EXPECT_THAT(html, HasSubstr("<p class=\"no-plot\">No plot: gnuplot exited with status 1</p>"));
    EXPECT_THAT(sweep_report_html(s, RenderedPlots{}), ::testing::Not(HasSubstr("Time series")));
    // No gnuplot: the page says so once, even when only the series would have had plots.
    RenderedPlots none = series;
    for (auto& p : none.plots) p.svg.clear();
    none.unavailable = "gnuplot not found: install gnuplot-nox";
    EXPECT_THAT(sweep_report_html(s, RenderedPlots{}, none),
                HasSubstr("<p class=\"note\">Plots are unavailable: gnuplot not found: install gnuplot-nox.</p>"));
}

}  // namespace
}  // namespace lab::analysis
