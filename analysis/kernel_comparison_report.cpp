#include "analysis/kernel_comparison_report.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include <fmt/format.h>

#include "analysis/markdown_text.hpp"
#include "analysis/text_table.hpp"
#include "common/printable.hpp"

namespace lab::analysis {
namespace {

// A column per kernel across every scenario: "6.1.0-57-amd64 [netem]" and "6.1.0-57-amd64" (a scenario
// without shaped links) are the same kernel. The impairment backend stays in each scenario's own table.
std::string kernel_column(const std::string& label) { return label.substr(0, label.find(" [")); }

// Every kernel in order of first appearance: the columns of the whole document.
std::vector<std::string> all_labels(const std::vector<Comparison>& cs) {
    std::vector<std::string> out;
    for (const auto& c : cs)
        for (const auto& l : c.labels)
            if (std::find(out.begin(), out.end(), kernel_column(l)) == out.end()) out.push_back(kernel_column(l));
    return out;
}

std::string cell_for(const Comparison& c, const ComparedExpectation& e, const std::string& column) {
    for (std::size_t i = 0; i < c.labels.size(); ++i)
        if (kernel_column(c.labels[i]) == column)
            return fmt::format("{} {}{}", e.status[i], e.observed[i], e.late[i] ? " (late)" : "");
    return "not run";
}

std::string why(const ComparedExpectation& e) {
    switch (e.difference) {
        case Difference::Kernel: return fmt::format("kernel condition {}", e.kernel);
        case Difference::Late: return "a run fell behind its timeline";
        case Difference::Verdict: return "UNEXPLAINED verdict";
        case Difference::Value: return "value only";
        case Difference::None: break;
    }
    return "";
}

// "6.2" from ">=6.2,<6.7" and so on: the version numbers a condition writes.
std::vector<std::string> versions_in(const std::string& condition) {
    std::vector<std::string> out;
    std::string cur;
    for (char ch : condition + ",") {
        if (std::isdigit(static_cast<unsigned char>(ch)) || (ch == '.' && !cur.empty())) {
            cur += ch;
        } else if (!cur.empty()) {
            while (!cur.empty() && cur.back() == '.') cur.pop_back();
            out.push_back(cur);
            cur.clear();
        }
    }
    return out;
}

}  // namespace

ComparisonTotals totals(const std::vector<Comparison>& cs) {
    ComparisonTotals t;
    for (const auto& c : cs) {
        ++t.scenarios;
        t.expectations += c.expectations;
        t.verdicts_differ += c.verdicts_differ;
        t.kernel_explained += c.kernel_explained;
        t.late_suspect += c.late_suspect;
        t.observations_differ += c.observations_differ;
    }
    return t;
}

std::string explaining_sentences(const std::string& summary, const std::string& condition) {
    // Sentences end at ". " (a version's own dot is never followed by a space).
    std::vector<std::string> sentences;
    std::size_t from = 0;
    while (from < summary.size()) {
        std::size_t end = summary.find(". ", from);
        end = end == std::string::npos ? summary.size() : end + 1;
        std::string s = summary.substr(from, end - from);
        while (!s.empty() && s.front() == ' ') s.erase(0, 1);
        if (!s.empty()) sentences.push_back(s);
        from = end;
    }
    std::string out;
    const std::vector<std::string> versions = versions_in(condition);
    for (const auto& s : sentences)
        if (std::any_of(versions.begin(), versions.end(), [&](const std::string& v) { return s.find(v) != std::string::npos; }))
            out += (out.empty() ? "" : " ") + s;
    return out.empty() ? summary : out;
}

std::string comparison_summary_text(const std::vector<Comparison>& cs, std::size_t width) {
    std::vector<TableColumn> columns = {{"scenario", 34}, {"expectations", 12}, {"differ", 0}};
    std::vector<TableRow> rows;
    for (const auto& c : cs) {
        // Grouped by why, the unexplained first: "VERDICT: a; kernel condition >=6.2: b, c; value only: d".
        std::string differ;
        for (Difference d : {Difference::Verdict, Difference::Late, Difference::Kernel, Difference::Value}) {
            std::map<std::string, std::string> ids_by_why;
            std::vector<std::string> order;
            for (const auto& e : c.rows) {
                if (e.difference != d) continue;
                const std::string w = why(e);
                if (!ids_by_why.count(w)) order.push_back(w);
                ids_by_why[w] += (ids_by_why[w].empty() ? "" : ", ") + e.id;
            }
            for (const auto& w : order) differ += fmt::format("{}{}: {}", differ.empty() ? "" : "; ", w, ids_by_why[w]);
        }
        if (!c.late_runs.empty())
            differ += fmt::format("{}fell behind on {}", differ.empty() ? "" : "; ",
                                  c.late_runs.size() == 1 ? c.late_runs.front() : fmt::format("{} kernels", c.late_runs.size()));
        rows.push_back({{printable(c.scenario), std::to_string(c.expectations), differ.empty() ? "—" : printable(differ)}, {}});
    }
    const ComparisonTotals t = totals(cs);
    std::string out = "across kernels:";
    for (const auto& l : all_labels(cs)) out += " " + printable(l) + ";";
    out.back() = '\n';
    out += render_text_table(columns, rows, width);
    out += fmt::format(
        "{} scenario{}, {} expectations: {} verdict{} differ unexplained, {} by a kernel condition, {} where a run "
        "fell behind its timeline; {} observation{} differ with the same verdict\n",
        t.scenarios, t.scenarios == 1 ? "" : "s", t.expectations, t.verdicts_differ, t.verdicts_differ == 1 ? "" : "s",
        t.kernel_explained, t.late_suspect, t.observations_differ, t.observations_differ == 1 ? "" : "s");
    return out;
}

std::string comparison_markdown(const std::vector<Comparison>& cs, const std::string& generated) {
    const std::vector<std::string> labels = all_labels(cs);
    const ComparisonTotals t = totals(cs);
    std::string out = "# The catalogue across kernels\n\n";
    out += fmt::format("Generated by `lab compare --markdown` from stored records, {}. Kernels (columns below):\n\n",
                       markdown_escape(generated));
    for (const auto& l : labels) out += "- " + markdown_escape(l) + "\n";
    out += fmt::format(
        "\n{} scenarios, {} expectations: **{}** verdicts differ with nothing to explain them, {} differ where a "
        "kernel condition says the behaviour changed, {} where a run fell behind its timeline (not a kernel "
        "finding); {} observations differ with the same verdict.\n\n",
        t.scenarios, t.expectations, t.verdicts_differ, t.kernel_explained, t.late_suspect, t.observations_differ);

    out += "## Every expectation that differs anywhere\n\n| scenario | expectation | expected |";
    for (const auto& l : labels) out += " " + markdown_escape(l) + " |";
    out += " why |\n|---|---|---|";
    for (std::size_t i = 0; i < labels.size(); ++i) out += "---|";
    out += "---|\n";
    std::size_t listed = 0;
    for (const auto& c : cs)
        for (const auto& e : c.rows) {
            if (e.difference == Difference::None) continue;
            ++listed;
            out += fmt::format("| {} | {} | {} |", markdown_escape(c.scenario), markdown_escape(e.id), markdown_escape(e.expected));
            for (const auto& l : labels) out += " " + markdown_escape(cell_for(c, e, l)) + " |";
            out += " " + (e.difference == Difference::Kernel ? fmt::format("kernel condition `{}`", e.kernel) : markdown_escape(why(e))) + " |\n";
        }
    if (listed == 0) out += "| — | every expectation gives the same verdict and value on every kernel | |" + std::string(labels.size(), '|') + " |\n";

    out += "\n## Kernel differences\n\n";
    std::size_t explained = 0;
    for (const auto& c : cs)
        for (const auto& e : c.rows) {
            if (e.difference != Difference::Kernel) continue;
            ++explained;
            out += fmt::format("### {} · {}\n\n{}: judged only on kernels `{}`.", markdown_escape(c.scenario),
                               markdown_escape(e.id), markdown_escape(e.description), e.kernel);
            for (std::size_t i = 0; i < c.labels.size(); ++i)
                out += fmt::format(" On {}: {} {}.", markdown_escape(c.labels[i]), e.status[i], markdown_escape(e.observed[i]));
            out += "\n\n> " + markdown_escape(explaining_sentences(c.summary, e.kernel)) + "\n\n";
        }
    if (explained == 0) out += "None: no expectation needs a kernel condition to give the same verdict on these kernels.\n\n";

    std::string late;
    for (const auto& c : cs)
        for (const auto& l : c.late_runs) late += fmt::format("- {}: {}\n", markdown_escape(c.scenario), markdown_escape(l));
    if (!late.empty())
        out += "## Runs that fell behind their timeline\n\nWhat these runs observed after the late step reflects the "
               "machine's speed, not its kernel.\n\n" + late;
    return out;
}

}  // namespace lab::analysis
