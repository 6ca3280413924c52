#include "analysis/sweep_report_html.hpp"

#include <fmt/format.h>

#include "analysis/cell_verdicts.hpp"
#include "analysis/metric_pivot_table.hpp"
#include "analysis/svg_inline.hpp"
#include "analysis/sweep_overview.hpp"
#include "analysis/sweep_pivot.hpp"
#include "analysis/xml_text.hpp"

namespace lab::analysis {
namespace {

constexpr const char* kStyle = R"css(
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; line-height: 1.45;
       color: #1d232a; background: #fff; margin: 2rem auto; max-width: 72rem; padding: 0 1.5rem; }
h1 { font-size: 1.7rem; margin-bottom: 0.5rem; }
h2 { font-size: 1.3rem; margin-top: 2.5rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 0.5rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 1rem 0; }
dl.facts dt { font-weight: 600; color: #57606a; }
dl.facts dd { margin: 0; }
dl.facts ul, ul.cells ul { margin: 0.2rem 0; padding-left: 1.2rem; }
ul.cells > li { margin-bottom: 0.4rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #d0d7de; padding: 0.3rem 0.7rem; text-align: right; white-space: nowrap; }
th { background: #f6f8fa; }
th.corner, td.row { text-align: left; background: #f6f8fa; font-weight: 600; }
td.fail { background: #ffebe9; }
td.flaky { background: #fff8c5; }
td.incomplete { background: #fbefff; }
td.missing { color: #8c959f; font-style: italic; }
td.documented { color: #57606a; }
.mark { font-weight: 700; margin-left: 0.3rem; }
.mark.fail { color: #cf222e; }
.mark.flaky { color: #9a6700; }
.mark.incomplete { color: #8250df; }
p.legend, ul.notes, p.note { color: #57606a; font-size: 0.92rem; }
figure.plot { margin: 0.5rem 0 1.5rem; max-width: 48rem; }
figure.plot svg { width: 100%; height: auto; display: block; border: 1px solid #d0d7de; }
p.no-plot { color: #8c959f; font-style: italic; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.92em; }
)css";

std::string e(const std::string& text) { return xml_escape(text); }

const char* mark_class(const std::string& mark) {
    if (mark == kFailedMark) return "fail";
    if (mark == kFlakyMark) return "flaky";
    return "incomplete";
}

// One span per mark, each with its class and meaning, so that colour and hover text explain it.
std::string marks_html(const std::string& marks) {
    std::string out;
    for (const auto& m : mark_legend()) {
        if (marks.find(m.mark) == std::string::npos) continue;
        out += fmt::format("<span class=\"mark {}\" title=\"{}\">{}</span>", mark_class(m.mark), e(m.meaning), m.mark);
    }
    return out;
}

std::string entry_class(const PivotEntry& entry) {
    if (entry.missing) return "missing";
    for (const char* mark : {kFailedMark, kFlakyMark, kNotCompletedMark})
        if (entry.marks.find(mark) != std::string::npos) return mark_class(mark);
    return "";
}

std::string table_html(const PivotTable& t) {
    std::string out;
    if (!t.title.empty()) out += fmt::format("<h3>{}</h3>\n", e(t.title));
    std::string corner = t.column_variable.empty() ? e(t.row_variable)
                                                   : fmt::format("{} \\ {}", e(t.row_variable), e(t.column_variable));
    out += fmt::format("<table>\n<thead><tr><th class=\"corner\">{}</th>", corner);
    for (const auto& h : t.headers) out += fmt::format("<th>{}</th>", e(h));
    if (!t.documented.empty()) out += "<th>documented</th>";
    out += "</tr></thead>\n<tbody>\n";
    for (const auto& row : t.rows) {
        out += fmt::format("<tr><td class=\"row\">{}</td>", e(row.label));
        for (const auto& entry : row.entries) {
            std::string cls = entry_class(entry);
            out += fmt::format("<td{}>{}{}</td>", cls.empty() ? "" : fmt::format(" class=\"{}\"", cls), e(entry.text),
                               marks_html(entry.marks));
        }
        if (!t.documented.empty()) out += fmt::format("<td class=\"documented\">{}</td>", e(t.documented));
        out += "</tr>\n";
    }
    out += "</tbody>\n</table>\n";
    if (!t.notes.empty()) {
        out += "<ul class=\"notes\">\n";
        for (const auto& n : t.notes) out += fmt::format("<li>no value: {}</li>\n", e(n));
        out += "</ul>\n";
    }
    return out;
}

const RenderedPlot* plot_for(const RenderedPlots& plots, const std::string& metric, const std::string& slice) {
    for (const auto& p : plots.plots)
        if (p.spec.metric_id == metric && p.spec.slice == slice) return &p;
    return nullptr;
}

std::string figure_html(const RenderedPlots& plots, const RenderedPlot* p) {
    if (!p) return "";
    if (p->svg.empty()) {
        if (!plots.unavailable.empty()) return "";  // said once, at the top
        return fmt::format("<p class=\"no-plot\">No plot: {}</p>\n", e(p->error));
    }
    std::string svg = inline_svg(p->svg, p->spec.name + "-", p->spec.title);
    if (svg.empty()) return fmt::format("<p class=\"no-plot\">No plot: gnuplot wrote no SVG element</p>\n");
    return fmt::format("<figure class=\"plot\" id=\"{}\">\n{}\n</figure>\n", e(p->spec.name), svg);
}

std::string series_section_html(const RenderedPlots& series_plots) {
    if (series_plots.plots.empty()) return "";
    std::string out = "<section class=\"series\">\n<h2>Time series</h2>\n"
                      "<p class=\"legend\">What the runs sampled ([sample], and the agents' per-second lines), a line per "
                      "cell (and program, for the agents' lines): its first stored run, summed over the run's hosts or a "
                      "program's copies (a percentile: the highest of them). Each run's own plots, a line per host "
                      "or copy, are in its directory's plots/.</p>\n";
    for (const auto& p : series_plots.plots) out += fmt::format("<h3>{}</h3>\n", e(p.spec.title)) + figure_html(series_plots, &p);
    return out + "</section>\n";
}

}  // namespace

std::string sweep_report_html(const Sweep& s, const RenderedPlots& plots, const RenderedPlots& series_plots) {
    PivotLayout layout = pivot_layout(s);
    SweepOverview o = sweep_overview(s, layout);
    std::string out = fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{} — lab</title>\n"
        "<style>{}</style>\n</head>\n<body>\n<h1>{}</h1>\n<dl class=\"facts\">\n",
        e(o.title), kStyle, e(o.title));
    for (const auto& f : o.facts) {
        out += fmt::format("<dt>{}</dt><dd>{}", e(f.label), e(f.value));
        if (!f.items.empty()) {
            out += "<ul>";
            for (const auto& item : f.items) out += fmt::format("<li>{}</li>", e(item));
            out += "</ul>";
        }
        out += "</dd>\n";
    }
    out += "</dl>\n<h2>Verdicts</h2>\n" + fmt::format("<p>{}</p>\n", e(o.verdict_total));
    if (!o.cells.empty()) {
        out += "<ul class=\"cells\">\n";
        for (const auto& c : o.cells) {
            out += fmt::format("<li><strong>{}</strong>{}<ul>", e(c.cell), marks_html(c.marks));
            for (const auto& item : c.items) out += fmt::format("<li>{}</li>", e(item));
            out += "</ul></li>\n";
        }
        out += "</ul>\n";
    }
    if (o.quiet_cells)
        out += fmt::format("<p>{}: every run completed; no expectation failed or changed between repeats.</p>\n",
                           o.cells.empty() ? fmt::format("Every cell ({})", o.quiet_cells)
                           : o.quiet_cells == 1 ? std::string("The other cell")
                                                : fmt::format("The other {} cells", o.quiet_cells));
    out += "<p class=\"legend\">Cells: the median [min–max] over the repeats, and n, how many repeats gave a value; "
           "“missing”: no record of the cell; “·”: not a cell of this sweep (excluded, or a combination its zip "
           "groups do not make).";
    for (const auto& m : mark_legend()) out += fmt::format(" {} {}.", marks_html(m.mark), e(m.meaning));
    out += "</p>\n";
    if (const std::string& why = plots.unavailable.empty() ? series_plots.unavailable : plots.unavailable; !why.empty())
        out += fmt::format("<p class=\"note\">Plots are unavailable: {}.</p>\n", e(why));

    for (const auto& metric : s.metrics) {
        out += fmt::format("<section class=\"metric\">\n<h2>{}</h2>\n", e(metric_heading(metric)));
        auto tables = metric_pivot_tables(s, layout, metric);
        for (const auto& t : tables) out += table_html(t) + figure_html(plots, plot_for(plots, metric.id, t.title));
        out += "</section>\n";
    }
    if (s.metrics.empty() && !s.axes.empty())
        out += "<p class=\"note\">The scenario defines no metric ([[metric]]): no tables and no plots.</p>\n";
    out += series_section_html(series_plots);
    out += "</body>\n</html>\n";
    return out;
}

}  // namespace lab::analysis
