// Sweep plots without gnuplot: the x axis a variable gives, the plots a sweep gives, the script each
// plot gives.
#include <gtest/gtest.h>

#include "analysis/gnuplot_script.hpp"
#include "analysis/plot_axis.hpp"
#include "analysis/plot_spec.hpp"
#include "sweep_records.hpp"

namespace lab::analysis {
namespace {

using test::full_grid;
using test::stored;

bool has_line(const std::string& script, const std::string& line) {
    return script.find("\n" + line + "\n") != std::string::npos || script.rfind(line + "\n", 0) == 0;
}

TEST(PlotAxis, NumbersTheScenarioWroteGiveANumericAxisTickedAtEachValue) {
    SweepAxis axis{"backlog", {"16", "64", "256"}, {16.0, 64.0, 256.0}};
    PlotAxis x = plot_axis(axis);
    EXPECT_EQ(x.kind, AxisKind::Numeric);
    EXPECT_EQ(x.label, "backlog");
    EXPECT_EQ(x.positions, (std::vector<double>{16, 64, 256}));
    EXPECT_EQ(x.tic_labels, (std::vector<std::string>{"16", "64", "256"}));
    EXPECT_FALSE(x.logarithmic);
}

TEST(PlotAxis, ValuesThatReadAsNumbersAreNumericEvenWithoutARecordOfThem) {
    PlotAxis x = plot_axis(SweepAxis{"ratio", {"0.5", "1.5"}, {std::nullopt, std::nullopt}});
    EXPECT_EQ(x.kind, AxisKind::Numeric);
    EXPECT_EQ(x.positions, (std::vector<double>{0.5, 1.5}));
}

TEST(PlotAxis, BooleansAreNumbersLabelledAsWritten) {
    PlotAxis x = plot_axis(SweepAxis{"abort", {"false", "true"}, {0.0, 1.0}});
    EXPECT_EQ(x.kind, AxisKind::Numeric);
    EXPECT_EQ(x.positions, (std::vector<double>{0, 1}));
    EXPECT_EQ(x.tic_labels, (std::vector<std::string>{"false", "true"}));
}

TEST(PlotAxis, DurationsAreMillisecondsAndTheLabelSaysSo) {
    PlotAxis x = plot_axis(SweepAxis{"delay", {"500us", "25ms", "1.5s"}, {}});
    EXPECT_EQ(x.kind, AxisKind::Duration);
    EXPECT_EQ(x.label, "delay (ms)");
    EXPECT_EQ(x.positions, (std::vector<double>{0.5, 25, 1500}));
    EXPECT_EQ(x.tic_labels, (std::vector<std::string>{"0.5", "25", "1500"}));
    EXPECT_TRUE(x.logarithmic);  // 0.5 … 1500 spans more than two decades
}

TEST(PlotAxis, AZeroBesideValuesSpanningDecadesSpacesThemEvenly) {
    PlotAxis x = plot_axis(SweepAxis{"delay", {"0ms", "100us", "1ms", "5ms", "25ms", "100ms"}, {}});
    EXPECT_EQ(x.kind, AxisKind::Duration);
    EXPECT_FALSE(x.logarithmic);  // a log axis has no place for 0
    EXPECT_TRUE(x.evenly_spaced);
    EXPECT_EQ(x.label, "delay (ms, evenly spaced)");
    EXPECT_EQ(x.positions, (std::vector<double>{0, 1, 2, 3, 4, 5}));
    EXPECT_EQ(x.tic_labels, (std::vector<std::string>{"0", "0.1", "1", "5", "25", "100"}));
    // A narrow span with a 0 keeps its linear scale.
    PlotAxis narrow = plot_axis(SweepAxis{"stagger", {"0ms", "1ms", "10ms"}, {}});
    EXPECT_FALSE(narrow.evenly_spaced);
    EXPECT_EQ(narrow.positions, (std::vector<double>{0, 1, 10}));
}

TEST(PlotAxis, AnythingElseIsCategoricalInDeclaredOrder) {
    PlotAxis x = plot_axis(SweepAxis{"cc", {"cubic", "reno", "25ms"}, {}});
    EXPECT_EQ(x.kind, AxisKind::Categorical);
    EXPECT_EQ(x.positions, (std::vector<double>{0, 1, 2}));
    EXPECT_EQ(x.tic_labels, (std::vector<std::string>{"cubic", "reno", "25ms"}));
    EXPECT_FALSE(x.logarithmic);
    // A number beside a duration is not a common scale either.
    EXPECT_EQ(plot_axis(SweepAxis{"d", {"25", "25ms"}, {25.0, std::nullopt}}).kind, AxisKind::Categorical);
}

TEST(PlotAxis, ManyNumericValuesAreLeftToGnuplotsTics) {
    SweepAxis axis{"n", {}, {}};
    for (int i = 1; i <= 13; ++i) {
        axis.values.push_back(std::to_string(i));
        axis.numbers.push_back(i);
    }
    PlotAxis x = plot_axis(axis);
    EXPECT_EQ(x.kind, AxisKind::Numeric);
    EXPECT_TRUE(x.tic_labels.empty());
}

TEST(PlotSpecs, OneLinePerColumnValueAndOnePlotPerSliceAndMetric) {
    std::vector<record::SweepVariable> vars = {
        {"backlog", {"16", "64"}}, {"tcp_syncookies", {"0", "1"}}, {"delay", {"0ms", "25ms"}}};
    auto records = full_grid(vars, 3);
    test::set_metric(stored(records, {"16", "1", "25ms"}, 2).record, "accept_queue", 20);
    Sweep s = gather_sweep(records);
    auto specs = sweep_plot_specs(s);
    ASSERT_EQ(specs.size(), 4u);  // 2 metrics × 2 delays
    EXPECT_EQ(specs[0].name, "lab_plot_1");
    EXPECT_EQ(specs[1].file_stem, "02-accept_queue-delay_25ms");
    EXPECT_EQ(specs[1].title, "accept_queue — accept-queue length [delay=25ms]");
    EXPECT_EQ(specs[1].slice, "delay=25ms");
    EXPECT_EQ(specs[1].y_label, "connections");
    EXPECT_EQ(specs[1].x.label, "backlog");
    EXPECT_TRUE(specs[1].key);
    ASSERT_EQ(specs[1].series.size(), 2u);
    EXPECT_EQ(specs[1].series[0].title, "tcp_syncookies=0");
    EXPECT_EQ(specs[1].series[1].title, "tcp_syncookies=1");
    ASSERT_EQ(specs[1].series[1].points.size(), 2u);
    const PlotPoint& p = specs[1].series[1].points[0];
    EXPECT_EQ(p.x, 16);
    EXPECT_EQ(p.median, 17);
    EXPECT_EQ(p.min, 17);
    EXPECT_EQ(p.max, 20);
    EXPECT_EQ(specs[3].metric_id, "connect_p50");
    EXPECT_EQ(specs[3].y_label, "ms");
}

TEST(PlotSpecs, CellsWithoutAValueAreLeftOutAndAnEmptySeriesIsDropped) {
    auto records = full_grid({{"backlog", {"16", "64"}}, {"cc", {"cubic", "reno"}}}, 1);
    std::erase_if(records, [](const StoredRecord& r) { return r.record.sweep->values[1].text == "reno"; });
    test::set_metric(stored(records, {"64", "cubic"}, 0).record, "accept_queue", std::nullopt, "no snapshot");
    auto specs = sweep_plot_specs(gather_sweep(records));
    ASSERT_EQ(specs.size(), 2u);
    ASSERT_EQ(specs[0].series.size(), 1u);
    EXPECT_EQ(specs[0].series[0].title, "cc=cubic");
    EXPECT_EQ(specs[0].series[0].points.size(), 1u);
}

TEST(PlotSpecs, OneVariableGivesOneUntitledLine) {
    auto specs = sweep_plot_specs(gather_sweep(full_grid({{"backlog", {"16", "64"}}}, 1)));
    ASSERT_EQ(specs.size(), 2u);
    EXPECT_FALSE(specs[0].key);
    ASSERT_EQ(specs[0].series.size(), 1u);
    EXPECT_EQ(specs[0].series[0].title, "accept_queue");
    EXPECT_EQ(specs[0].slice, "");
    EXPECT_EQ(specs[0].file_stem, "01-accept_queue");
}

PlotSpec two_line_spec(PlotAxis x) {
    PlotSpec p;
    p.name = "lab_plot_7";
    p.title = "accept_queue — accept-queue length";
    p.y_label = "connections";
    p.x = std::move(x);
    p.series = {{"syncookies=0", {{p.x.positions[0], 17, 16, 18.5}, {p.x.positions[1], 65, 65, 65}}},
                {"syncookies=1", {{p.x.positions[0], 17, 17, 17}}}};
    return p;
}

TEST(GnuplotScript, DrawsEachSeriesFromAnInlineDatablockWithErrorBars) {
    PlotSpec p = two_line_spec(plot_axis(SweepAxis{"backlog", {"16", "64"}, {16.0, 64.0}}));
    std::string script = gnuplot_script(p);
    EXPECT_TRUE(has_line(script,
                         "set terminal svg size 720,450 dynamic noenhanced font 'sans-serif,12' linewidth 1.5 "
                         "background '#ffffff' name 'lab_plot_7'"))
        << script;
    EXPECT_TRUE(has_line(script, "set output")) << script;
    EXPECT_TRUE(has_line(script, "set title 'accept_queue — accept-queue length'")) << script;
    EXPECT_TRUE(has_line(script, "set xlabel 'backlog'")) << script;
    EXPECT_TRUE(has_line(script, "set ylabel 'connections'")) << script;
    EXPECT_TRUE(has_line(script, "set key outside right top")) << script;
    EXPECT_TRUE(has_line(script, "set xtics ('16' 16, '64' 64)")) << script;
    EXPECT_EQ(script.find("logscale"), std::string::npos) << script;
    EXPECT_EQ(script.find("xrange"), std::string::npos) << script;
    EXPECT_NE(script.find("\n$series1 << EOD\n16 17 16 18.5\n64 65 65 65\nEOD\n$series2 << EOD\n16 17 17 17\nEOD\n"),
              std::string::npos)
        << script;
    EXPECT_NE(script.find("plot $series1 using 1:2:3:4 with yerrorlines pointtype 7 pointsize 0.7 title 'syncookies=0', \\\n"
                          "     $series2 using 1:2:3:4 with yerrorlines pointtype 7 pointsize 0.7 title 'syncookies=1'\n"),
              std::string::npos)
        << script;
    // No file, no shell: gnuplot reads nothing but this script and writes to stdout.
    EXPECT_EQ(script.find("system"), std::string::npos);
    EXPECT_EQ(script.find('`'), std::string::npos);
    EXPECT_EQ(script.find('"'), std::string::npos);
}

TEST(GnuplotScript, CategoricalAxesAreTickedWithTheValuesAsWritten) {
    PlotSpec p = two_line_spec(plot_axis(SweepAxis{"cc", {"cubic", "a-long-algorithm"}, {}}));
    std::string script = gnuplot_script(p);
    EXPECT_TRUE(has_line(script, "set xrange [-0.5:1.5]")) << script;
    EXPECT_TRUE(has_line(script, "set xtics rotate by -30 left ('cubic' 0, 'a-long-algorithm' 1)")) << script;
    EXPECT_NE(script.find("$series1 << EOD\n0 17 16 18.5\n1 65 65 65\nEOD"), std::string::npos) << script;
}

TEST(GnuplotScript, DurationAxesAreInMillisecondsAndWideSpansLogarithmic) {
    PlotSpec p = two_line_spec(plot_axis(SweepAxis{"delay", {"1ms", "1s"}, {}}));
    std::string script = gnuplot_script(p);
    EXPECT_TRUE(has_line(script, "set xlabel 'delay (ms)'")) << script;
    EXPECT_TRUE(has_line(script, "set logscale x 10")) << script;
    EXPECT_TRUE(has_line(script, "set xtics ('1' 1, '1000' 1000)")) << script;
    EXPECT_NE(script.find("$series1 << EOD\n1 17 16 18.5\n1000 65 65 65\nEOD"), std::string::npos) << script;
}

TEST(GnuplotScript, ASingleXValueGetsARangeAroundIt) {
    PlotSpec p;
    p.name = "p";
    p.x = plot_axis(SweepAxis{"backlog", {"30"}, {30.0}});
    p.series = {{"s", {{30, 31, 31, 31}}}};
    EXPECT_TRUE(has_line(gnuplot_script(p), "set xrange [15:60]")) << gnuplot_script(p);
}

TEST(GnuplotScript, TextFromRecordsCannotEscapeItsString) {
    EXPECT_EQ(gnuplot_string("plain"), "'plain'");
    EXPECT_EQ(gnuplot_string("it's"), "'it''s'");
    EXPECT_EQ(gnuplot_string("`rm -rf /` @macro \"dq\" \\"), "'`rm -rf /` @macro \"dq\" \\'");
    EXPECT_EQ(gnuplot_string("two\nlines\r\tEOD"), "'two lines  EOD'");
    EXPECT_EQ(gnuplot_string("bad \xff byte"), "'bad \xEF\xBF\xBD byte'");
    PlotSpec p = two_line_spec(plot_axis(SweepAxis{"x", {"a'\nplot 1", "b"}, {}}));
    p.title = "t\nset output '/tmp/x'";
    std::string script = gnuplot_script(p);
    EXPECT_TRUE(has_line(script, "set title 't set output ''/tmp/x'''")) << script;
    EXPECT_TRUE(has_line(script, "set xtics rotate by -30 left ('a'' plot 1' 0, 'b' 1)")) << script;
}

TEST(GnuplotScript, APlotWithoutSeriesHasNoPlotCommand) {
    PlotSpec p;
    p.name = "empty";
    p.x = plot_axis(SweepAxis{"backlog", {"16"}, {16.0}});
    std::string script = gnuplot_script(p);
    EXPECT_EQ(script.find("\nplot "), std::string::npos) << script;
    EXPECT_EQ(script.find("$series"), std::string::npos) << script;
    EXPECT_TRUE(has_line(script, "set title ''")) << script;
}

}  // namespace
}  // namespace lab::analysis
