#include "analysis/sweep_report_markdown.hpp"

#include <fmt/format.h>

#include "analysis/cell_verdicts.hpp"
#include "analysis/markdown_text.hpp"
#include "analysis/metric_pivot_table.hpp"
#include "analysis/sweep_overview.hpp"
#include "analysis/sweep_pivot.hpp"

namespace lab::analysis {
namespace {

// The entry's text is ours ("30 [29–31] n=3"), not the records': written as it is, brackets included.
std::string entry_text(const PivotEntry& e) { return e.marks.empty() ? e.text : fmt::format("{} {}", e.text, e.marks); }

// "backlog \ syncookies": a backslash before a space is a literal backslash in Markdown.
std::string corner_text(const PivotTable& t) {
    if (t.column_variable.empty()) return markdown_escape(t.row_variable);
    return fmt::format("{} \\ {}", markdown_escape(t.row_variable), markdown_escape(t.column_variable));
}

std::string table_markdown(const PivotTable& t) {
    std::string out;
    if (!t.title.empty()) out += fmt::format("### {}\n\n", markdown_escape(t.title));
    out += "| " + corner_text(t);
    std::string rule = "|---";
    for (const auto& h : t.headers) {
        out += " | " + markdown_escape(h);
        rule += "|---:";
    }
    if (!t.documented.empty()) {
        out += " | documented";
        rule += "|---:";
    }
    out += " |\n" + rule + "|\n";
    for (const auto& row : t.rows) {
        out += "| " + markdown_escape(row.label);
        for (const auto& e : row.entries) out += " | " + entry_text(e);
        if (!t.documented.empty()) out += " | " + markdown_escape(t.documented);
        out += " |\n";
    }
    if (!t.notes.empty()) {
        out += "\nWithout a value:\n\n";
        for (const auto& n : t.notes) out += "- " + markdown_escape(n) + '\n';
    }
    return out + '\n';
}

}  // namespace

std::string sweep_report_markdown(const Sweep& s) {
    PivotLayout layout = pivot_layout(s);
    SweepOverview o = sweep_overview(s, layout);
    std::string out = fmt::format("# {}\n\n", markdown_escape(o.title));
    for (const auto& f : o.facts) {
        out += fmt::format("- **{}:** {}\n", f.label, markdown_escape(f.value));
        for (const auto& item : f.items) out += "  - " + markdown_escape(item) + '\n';
    }
    out += "\n## Verdicts\n\n" + markdown_escape(o.verdict_total) + "\n\n";
    for (const auto& c : o.cells) {
        out += fmt::format("- **{}** {}\n", markdown_escape(c.cell), c.marks);
        for (const auto& item : c.items) out += "  - " + markdown_escape(item) + '\n';
    }
    // Blocks are separated by exactly one blank line, whichever of them are there.
    auto blank_line = [&out] {
        while (out.size() < 2 || out.compare(out.size() - 2, 2, "\n\n") != 0) out += '\n';
    };
    blank_line();
    if (o.quiet_cells) {
        std::string which = o.cells.empty() ? fmt::format("Every cell ({})", o.quiet_cells)
                            : o.quiet_cells == 1 ? std::string("The other cell")
                                                 : fmt::format("The other {} cells", o.quiet_cells);
        out += which + ": every run completed; no expectation failed or changed between repeats.\n";
    }
    blank_line();
    out += "Cells: the median [min–max] over the repeats, and n, how many repeats gave a value; \"missing\": no "
           "record of the cell; \"·\": not a cell of this sweep (excluded, or a combination its zip groups do not "
           "make).";
    for (const auto& m : mark_legend()) out += fmt::format(" {} {}.", m.mark, m.meaning);
    out += "\n\n";
    for (const auto& metric : s.metrics) {
        out += fmt::format("## {}\n\n", markdown_escape(metric_heading(metric)));
        for (const auto& t : metric_pivot_tables(s, layout, metric)) out += table_markdown(t);
    }
    if (s.metrics.empty() && !s.axes.empty()) out += "The scenario defines no metric (\\[\\[metric\\]\\]): no tables.\n";
    // One trailing newline, whatever the last block ended with.
    while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') out.pop_back();
    return out;
}

}  // namespace lab::analysis
