#include "analysis/verdict_table.hpp"

#include <utility>

#include <fmt/format.h>

#include "analysis/number_text.hpp"
#include "analysis/text_table.hpp"
#include "analysis/text_width.hpp"
#include "analysis/timeline_lateness.hpp"
#include "analysis/verdict_counts.hpp"
#include "common/printable.hpp"

namespace lab::analysis {
namespace {

using Facts = std::vector<std::pair<std::string, std::string>>;

// The header block as the record has it.
Facts raw_run_facts(const record::RunRecord& r, const std::vector<record::Verdict>& verdicts) {
    Facts f;
    f.emplace_back("scenario", r.scenario.file.empty() ? or_none(r.scenario.name)
                                                       : fmt::format("{} ({})", or_none(r.scenario.name), r.scenario.file));
    if (!r.scenario.summary.empty()) f.emplace_back("summary", r.scenario.summary);
    std::string source;
    if (!r.scenario.source_doc.empty()) source = "doc " + r.scenario.source_doc;
    if (!r.scenario.source_kernel.empty())
        source += (source.empty() ? "" : ", ") + fmt::format("documented on kernel {}", r.scenario.source_kernel);
    f.emplace_back("source", or_none(source));
    if (!r.scenario.compression.empty()) f.emplace_back("compression", r.scenario.compression);
    f.emplace_back("this kernel", r.run.machine.empty() ? or_none(r.run.kernel)
                                                         : fmt::format("{} ({})", or_none(r.run.kernel), r.run.machine));
    f.emplace_back("impairments", or_none(r.run.impairment_backend));
    f.emplace_back("run dir", or_none(r.run.directory));
    f.emplace_back("outcome", r.run.outcome_detail.empty() ? std::string(record::to_string(r.run.outcome))
                                                           : fmt::format("{}: {}", record::to_string(r.run.outcome), r.run.outcome_detail));
    if (std::string timing = timeline_text(r, verdicts); !timing.empty()) f.emplace_back("timeline", timing);
    f.emplace_back("wall time", seconds_text(r.run.wall_seconds));
    return f;
}

// The header block, shared by both renderings so that they never disagree on what a run was. Every value
// came from a file (the scenario, the record) and is shown printable: a summary keeps its line breaks,
// everything else is one line.
Facts run_facts(const record::RunRecord& r, const std::vector<record::Verdict>& verdicts) {
    Facts f = raw_run_facts(r, verdicts);
    for (auto& [label, value] : f)
        value = printable(value, label == "summary" || label == "compression" ? LineBreaks::Keep : LineBreaks::Escape);
    return f;
}

// A description is prose; an id is a name.
std::string row_name(const record::Verdict& v) {
    return v.description.empty() ? printable(v.id) : printable(v.description, LineBreaks::Keep);
}

// The line beneath a row that is not a pass: where the expectation was written, and why it did not hold.
std::string note_text(const record::Verdict& v) {
    if (v.status == record::VerdictStatus::Fail && !v.origin.empty())
        return printable(fmt::format("{}: {}", v.origin, or_none(v.detail)));
    return printable(or_none(v.detail));
}

// One line of Markdown: line breaks become spaces, other control characters their escapes.
std::string markdown_cell(const std::string& s) {
    std::string flat = s;
    for (char& c : flat)
        if (c == '\n' || c == '\r') c = ' ';
    std::string out;
    for (char c : printable(flat)) {
        if (std::string_view("\\|*_`<>[]").find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

}  // namespace

std::string verdict_table(const record::RunRecord& r, const std::vector<record::Verdict>& verdicts, std::size_t width) {
    std::string out;
    constexpr std::size_t kLabel = 13;
    std::size_t value_width = width > kLabel + 20 ? width - kLabel : 20;
    for (const auto& [label, value] : run_facts(r, verdicts)) {
        // Paths and kernel names are never broken mid-word; long prose (the summary) wraps under itself.
        std::vector<std::string> lines = wrap(value, value_width);
        for (std::size_t i = 0; i < lines.size(); ++i)
            out += pad_right(i == 0 ? label : "", kLabel) + lines[i] + '\n';
    }
    out += '\n';

    std::vector<TableColumn> columns = {
        {"expectation", 0}, {"expected", 30}, {"observed", 14}, {"documented", 24}, {"verdict", 7}};
    std::vector<TableRow> rows;
    for (const record::Verdict& v : verdicts) {
        TableRow row;
        row.cells = {row_name(v), or_none(v.expected), or_none(v.observed), or_none(v.documented),
                     record::to_string(v.status)};
        if (v.status != record::VerdictStatus::Pass) row.notes.push_back(note_text(v));
        rows.push_back(std::move(row));
    }
    out += render_text_table(columns, rows, width);
    out += '\n';
    out += counts_text(count_verdicts(verdicts));
    out += '\n';
    return out;
}

std::string verdict_table_markdown(const record::RunRecord& r, const std::vector<record::Verdict>& verdicts) {
    std::string out = fmt::format("### {}\n\n", markdown_cell(or_none(r.scenario.name)));
    for (const auto& [label, value] : run_facts(r, verdicts))
        if (label != "scenario") out += fmt::format("- **{}:** {}\n", label, markdown_cell(value));
    out += "\n| expectation | expected | observed | documented | verdict |\n";
    out += "|---|---|---|---|---|\n";
    for (const record::Verdict& v : verdicts) {
        const char* status = record::to_string(v.status);
        out += fmt::format("| {} | {} | {} | {} | {} |\n", markdown_cell(row_name(v)), markdown_cell(or_none(v.expected)),
                           markdown_cell(or_none(v.observed)), markdown_cell(or_none(v.documented)),
                           v.status == record::VerdictStatus::Fail ? fmt::format("**{}**", status) : status);
    }
    // Markdown tables have no spanning rows, so the why of each failure and skip follows as a list.
    bool first = true;
    for (const record::Verdict& v : verdicts) {
        if (v.status == record::VerdictStatus::Pass) continue;
        if (first) out += '\n';
        first = false;
        std::string where = v.origin.empty() || v.status != record::VerdictStatus::Fail
                                ? std::string()
                                : fmt::format(" at `{}`", v.origin);
        out += fmt::format("- {} `{}`{}: {}\n", v.status == record::VerdictStatus::Fail ? "**FAIL**" : "skip",
                           printable(v.id), printable(where), markdown_cell(or_none(v.detail)));
    }
    out += fmt::format("\n**{}**\n", counts_text(count_verdicts(verdicts)));
    return out;
}

}  // namespace lab::analysis
