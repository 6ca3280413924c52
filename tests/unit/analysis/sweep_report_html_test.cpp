// report.html: self-contained, escaped, the tables of report.md, and the plots inline (or said missing).
#include "analysis/sweep_report_html.hpp"


#include <gtest/gtest.h>

#include "sweep_records.hpp"
#include "tests/unit/text_lines.hpp"

namespace lab::analysis {
namespace {

using test::backlog_by_cookies;
using test::full_grid;
using test::stored;

constexpr const char* kTinySvg =
    "<?xml version=\"1.0\"?>\n<svg viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\"><title>t</title>"
    "<g id=\"gnuplot_canvas\"><path d=\"M0,0 L10,10\"/></g></svg>";

RenderedPlots fake_plots(const Sweep& s) {
    RenderedPlots plots;
    for (const auto& spec : sweep_plot_specs(s)) plots.plots.push_back({spec, kTinySvg, ""});
    return plots;
}

using lab::test::occurrences;

TEST(SweepReportHtml, TablesMarksAndInlinePlotsInOneSelfContainedPage) {
    auto records = full_grid(backlog_by_cookies(), 2);
    test::fail_verdict(stored(records, {"64", "1"}, 1).record, "66", "66 is not = 65");
    std::erase_if(records, [](const StoredRecord& r) { return r.record.sweep->cell_id == "c-256-0"; });
    Sweep s = gather_sweep(records);
    std::string html = sweep_report_html(s, fake_plots(s));
    EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
    EXPECT_NE(html.find("<meta charset=\"utf-8\">"), std::string::npos);
    EXPECT_NE(html.find("<title>sweep backlog-sweep — lab</title>"), std::string::npos);
    // Self-contained: nothing to fetch.
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("<link"), std::string::npos);
    EXPECT_EQ(html.find(" src="), std::string::npos);
    for (const char* fetch : {"href=\"http", "href='http", "src=\"http", "url(http", "@import"})
        EXPECT_EQ(html.find(fetch), std::string::npos) << fetch;
    EXPECT_EQ(occurrences(html, "<table>"), 2u);
    EXPECT_EQ(occurrences(html, "<svg"), 2u);
    EXPECT_EQ(html.find("<?xml"), std::string::npos);
    EXPECT_NE(html.find("<figure class=\"plot\" id=\"lab_plot_1\">"), std::string::npos);
    EXPECT_NE(html.find("<g id=\"lab_plot_2-gnuplot_canvas\">"), std::string::npos);
    EXPECT_NE(html.find("<title>accept_queue — accept-queue length</title>"), std::string::npos);
    EXPECT_NE(html.find("<th class=\"corner\">backlog \\ tcp_syncookies</th><th>0</th><th>1</th><th>documented</th>"),
              std::string::npos)
        << html;
    EXPECT_NE(html.find("<td class=\"fail\">65 n=2<span class=\"mark fail\" title=\"an expectation failed in at "
                        "least one repeat\">✗</span><span class=\"mark flaky\""),
              std::string::npos)
        << html;
    EXPECT_NE(html.find("<td class=\"missing\">missing</td>"), std::string::npos);
    EXPECT_NE(html.find("<dt>missing cells</dt><dd>1 (no record at all)<ul><li>backlog=256, tcp_syncookies=0</li></ul></dd>"),
              std::string::npos)
        << html;
    EXPECT_EQ(html.find("Plots are unavailable"), std::string::npos);
}

TEST(SweepReportHtml, EveryTextFromTheRecordsIsEscaped) {
    std::vector<record::SweepVariable> vars = {{"<b>x</b>", {"\"q\"", "a&b"}}};
    auto records = full_grid(vars, 1);
    for (auto& r : records) {
        r.record.sweep->sweep = "<script>alert(1)</script>";
        r.record.metrics[0].id = "<img src=x onerror=alert(1)>";
        r.record.metric_values[0].id = r.record.metrics[0].id;
    }
    Sweep s = gather_sweep(records);
    std::string html = sweep_report_html(s, RenderedPlots{});
    EXPECT_EQ(html.find("<script>"), std::string::npos);
    EXPECT_EQ(html.find("<img"), std::string::npos);
    EXPECT_EQ(html.find("<b>x"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(html.find("<th class=\"corner\">&lt;b&gt;x&lt;/b&gt;</th>"), std::string::npos) << html;
    EXPECT_NE(html.find("<td class=\"row\">&quot;q&quot;</td>"), std::string::npos);
    EXPECT_NE(html.find("<td class=\"row\">a&amp;b</td>"), std::string::npos);
}

TEST(SweepReportHtml, WithoutGnuplotThePageSaysPlotsAreUnavailable) {
    Sweep s = gather_sweep(full_grid({{"backlog", {"16", "64"}}}, 1));
    RenderedPlots plots;
    for (const auto& spec : sweep_plot_specs(s)) plots.plots.push_back({spec, "", "gnuplot not found: install gnuplot-nox"});
    plots.unavailable = "gnuplot not found: install gnuplot-nox";
    std::string html = sweep_report_html(s, plots);
    EXPECT_NE(html.find("<p class=\"note\">Plots are unavailable: gnuplot not found: install gnuplot-nox.</p>"),
              std::string::npos);
    EXPECT_EQ(occurrences(html, "<svg"), 0u);
    EXPECT_EQ(occurrences(html, "No plot:"), 0u);  // said once, not per plot
    EXPECT_EQ(occurrences(html, "<table>"), 2u);
}

TEST(SweepReportHtml, APlotThatFailedSaysWhyWhereItWouldBe) {
    Sweep s = gather_sweep(full_grid({{"backlog", {"16", "64"}}}, 1));
    RenderedPlots plots = fake_plots(s);
    plots.plots[1].svg.clear();
    plots.plots[1].error = "gnuplot (pid 42) exited with status 1: <oops>";
    std::string html = sweep_report_html(s, plots);
    EXPECT_EQ(occurrences(html, "<svg"), 1u);
    EXPECT_NE(html.find("<p class=\"no-plot\">No plot: gnuplot (pid 42) exited with status 1: &lt;oops&gt;</p>"),
              std::string::npos);
}

}  // namespace
}  // namespace lab::analysis
