#include "analysis/sweep_comparison.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "analysis/cell_verdicts.hpp"
#include "analysis/markdown_text.hpp"
#include "analysis/metric_pivot_table.hpp"
#include "analysis/metric_spread.hpp"
#include "analysis/number_text.hpp"
#include "analysis/sweep_pivot.hpp"

namespace lab::analysis {
namespace {

constexpr const char* kDiffersMark = "≠";
constexpr const char* kSeparatedMark = "‼";

// A grid point by its variables' values, in the merged axes' order.
using CellKey = std::vector<std::pair<std::string, std::string>>;

std::string letter(std::size_t i) {
    if (i < 26) return std::string(1, static_cast<char>('A' + i));
    return fmt::format("S{}", i + 1);
}

std::string key_name(const CellKey& key) {
    std::string out;
    for (const auto& [name, value] : key) out += fmt::format("{}{}={}", out.empty() ? "" : ", ", name, value);
    return out;
}

// The sweep's cell at `key`, or null when the key is not a point of its grid (other variables or values).
const SweepCell* find_cell(const Sweep& s, const CellKey& key) {
    if (s.axes.size() != key.size()) return nullptr;
    std::vector<std::size_t> index(s.axes.size());
    for (std::size_t i = 0; i < s.axes.size(); ++i) {
        auto k = std::find_if(key.begin(), key.end(), [&](const auto& kv) { return kv.first == s.axes[i].name; });
        if (k == key.end()) return nullptr;
        auto v = std::find(s.axes[i].values.begin(), s.axes[i].values.end(), k->second);
        if (v == s.axes[i].values.end()) return nullptr;
        index[i] = static_cast<std::size_t>(v - s.axes[i].values.begin());
    }
    return &s.cell_at(index);
}

// The baseline's axes, each with the values of every sweep that has it (the baseline's first).
Sweep merged_grid(const std::vector<Sweep>& sweeps) {
    Sweep merged;
    const Sweep& a = sweeps.front();
    merged.rows = a.rows;
    merged.columns = a.columns;
    for (const auto& axis : a.axes) {
        SweepAxis m{axis.name, axis.values, {}};
        for (const auto& s : sweeps)
            for (const auto& other : s.axes)
                if (other.name == axis.name)
                    for (const auto& v : other.values)
                        if (std::find(m.values.begin(), m.values.end(), v) == m.values.end()) m.values.push_back(v);
        m.numbers.resize(m.values.size());
        merged.axes.push_back(std::move(m));
    }
    return merged;
}

CellKey key_at(const Sweep& merged, const PivotLayout& layout, const PivotSlice& slice, std::size_t row, std::size_t column) {
    std::vector<std::size_t> index(merged.axes.size(), 0);
    index[layout.rows] = row;
    if (layout.columns) index[*layout.columns] = column;
    for (std::size_t k = 0; k < layout.others.size(); ++k) index[layout.others[k]] = slice.fixed[k];
    CellKey key;
    for (std::size_t i = 0; i < merged.axes.size(); ++i) key.emplace_back(merged.axes[i].name, merged.axes[i].values[index[i]]);
    return key;
}

struct Side {
    const SweepCell* cell = nullptr;
    std::optional<Spread> spread;
};

std::string side_entry(const Side& side) {
    if (!side.cell || (!side.cell->in_grid && side.cell->runs.empty())) return "absent";
    if (side.cell->runs.empty()) return "missing";
    return side.spread ? compact_number_text(side.spread->median) : "—";
}

std::string side_text(const Side& side) {
    if (!side.cell || (!side.cell->in_grid && side.cell->runs.empty())) return "not in its grid";
    if (side.cell->runs.empty()) return "missing (no record)";
    return side.spread ? spread_text(side.spread) : "no value";
}

bool same_spread(const Side& a, const Side& b) {
    if (!a.spread || !b.spread) return !a.spread && !b.spread;
    return a.spread->median == b.spread->median && a.spread->min == b.spread->min && a.spread->max == b.spread->max;
}

bool separated(const Side& a, const Side& b) {
    return a.spread && b.spread && (a.spread->max < b.spread->min || b.spread->max < a.spread->min);
}

std::string default_name(const Sweep& s) {
    return fmt::format("sweep {} — {} on {}, backend {}, {} runs", s.label.empty() ? "(none)" : s.label, s.scenario,
                       fmt::join(s.kernels, ", "), fmt::join(s.backends, ", "), s.run_count());
}

// How a cell's runs went for one expectation (or, for id "", how the runs ended), as a set of statuses
// plus a text. Sweeps differ on an expectation when the sets differ.
struct VerdictSide {
    std::set<std::string> statuses;
    std::string text;
};

VerdictSide verdict_side(const SweepCell* cell, const std::string& id) {
    if (!cell || (!cell->in_grid && cell->runs.empty())) return {{"absent"}, "not in its grid"};
    if (cell->runs.empty()) return {{"missing"}, "missing (no record)"};
    CellVerdicts v = cell_verdicts(*cell);
    if (id.empty()) {
        VerdictSide side;
        std::size_t completed = v.runs - v.errors - v.interrupted - v.unfinished;
        if (completed) side.statuses.insert("completed");
        if (v.errors) side.statuses.insert("error");
        if (v.interrupted) side.statuses.insert("interrupted");
        if (v.unfinished) side.statuses.insert("cut short");
        side.text = fmt::format("{}/{} completed", completed, v.runs);
        if (v.errors) side.text += fmt::format(", {} error", v.errors);
        if (v.interrupted) side.text += fmt::format(", {} interrupted", v.interrupted);
        if (v.unfinished) side.text += fmt::format(", {} cut short", v.unfinished);
        return side;
    }
    auto it = std::find_if(v.expectations.begin(), v.expectations.end(), [&](const ExpectationTally& t) { return t.id == id; });
    if (it == v.expectations.end()) return {{"not judged"}, "not judged"};
    VerdictSide side;
    if (it->failed) side.statuses.insert("fail");
    if (it->passed) side.statuses.insert("pass");
    if (it->skipped) side.statuses.insert("skip");
    side.text = it->outcome_text();
    return side;
}

}  // namespace

SweepComparison compare_sweeps(const std::vector<Sweep>& sweeps, const std::vector<std::string>& names) {
    SweepComparison c;
    if (sweeps.empty()) {
        c.markdown = "# Comparison of sweeps\n\nNo sweeps to compare.\n";
        return c;
    }
    std::string out = fmt::format("# Comparison of {} sweeps\n\n", sweeps.size());
    for (std::size_t i = 0; i < sweeps.size(); ++i)
        out += fmt::format("- **{}:** {}\n", letter(i), markdown_escape(i < names.size() && !names[i].empty()
                                                                             ? names[i] + " — " + default_name(sweeps[i])
                                                                             : default_name(sweeps[i])));
    const Sweep& a = sweeps.front();
    for (std::size_t i = 1; i < sweeps.size(); ++i) {
        std::set<std::string> an, bn;
        for (const auto& x : a.axes) an.insert(x.name);
        for (const auto& x : sweeps[i].axes) bn.insert(x.name);
        if (an != bn)
            out += fmt::format("- {}'s variables are not A's: only grid points with the same variables and values are compared\n",
                               letter(i));
    }

    Sweep merged = merged_grid(sweeps);
    PivotLayout layout = pivot_layout(merged);
    std::vector<CellKey> keys;  // every merged grid point, in table order
    for (const auto& slice : layout.slices) {
        std::size_t columns = layout.columns ? merged.axes[*layout.columns].values.size() : 1;
        for (std::size_t r = 0; r < merged.axes[layout.rows].values.size(); ++r)
            for (std::size_t col = 0; col < columns; ++col) keys.push_back(key_at(merged, layout, slice, r, col));
    }

    std::vector<record::Metric> metrics;
    for (const auto& s : sweeps)
        for (const auto& m : s.metrics)
            if (std::none_of(metrics.begin(), metrics.end(), [&](const record::Metric& k) { return k.id == m.id; }))
                metrics.push_back(m);

    std::string sections;
    for (const auto& metric : metrics) {
        sections += fmt::format("\n## {}\n\n", markdown_escape(metric_heading(metric)));
        std::vector<std::string> listed;
        for (const auto& slice : layout.slices) {
            if (!slice.title.empty()) sections += fmt::format("### {}\n\n", markdown_escape(slice.title));
            const SweepAxis& rows = merged.axes[layout.rows];
            std::vector<std::string> headers = layout.columns ? merged.axes[*layout.columns].values
                                                              : std::vector<std::string>{metric.id};
            sections += "| " + markdown_escape(rows.name);
            if (layout.columns) sections += " \\ " + markdown_escape(merged.axes[*layout.columns].name);
            std::string rule = "|---";
            for (const auto& h : headers)
                for (std::size_t i = 0; i < sweeps.size(); ++i) {
                    sections += fmt::format(" | {} · {}", markdown_escape(h), letter(i));
                    rule += "|---:";
                }
            sections += " |\n" + rule + "|\n";
            for (std::size_t r = 0; r < rows.values.size(); ++r) {
                sections += "| " + markdown_escape(rows.values[r]);
                for (std::size_t col = 0; col < headers.size(); ++col) {
                    CellKey key = key_at(merged, layout, slice, r, col);
                    std::vector<Side> sides;
                    for (const auto& s : sweeps) {
                        Side side;
                        side.cell = find_cell(s, key);
                        if (side.cell) side.spread = cell_metric(*side.cell, metric.id).spread;
                        sides.push_back(side);
                    }
                    for (std::size_t i = 0; i < sides.size(); ++i) {
                        std::string entry = markdown_escape(side_entry(sides[i]));
                        if (i > 0) {
                            bool differs = sides[0].cell && sides[i].cell ? !same_spread(sides[0], sides[i])
                                                                          : (!sides[0].cell) != (!sides[i].cell);
                            bool apart = separated(sides[0], sides[i]);
                            if (differs) {
                                entry += std::string(" ") + (apart ? kSeparatedMark : kDiffersMark);
                                ++c.value_differences;
                                c.separated_ranges += apart;
                                // Names are escaped for Markdown, our own texts ("21 [20–22] n=3") not.
                                auto line = [&](auto name) {
                                    return fmt::format("{} — {}: A {} vs {} {}{}", name(key_name(key)), name(metric.id),
                                                       side_text(sides[0]), letter(i), side_text(sides[i]),
                                                       apart ? " — outside each other's range" : "");
                                };
                                listed.push_back(line(markdown_escape));
                                c.differences.push_back(line([](std::string_view t) { return std::string(t); }));
                            }
                        }
                        sections += " | " + entry;
                    }
                }
                sections += " |\n";
            }
            sections += '\n';
        }
        if (listed.empty()) {
            sections += "No difference: every sweep has the same median and range in every cell.\n";
        } else {
            sections += "Differences:\n\n";
            for (const auto& line : listed) sections += "- " + line + '\n';
        }
    }

    // Verdicts, per grid point and expectation (id "" stands for how the runs ended).
    std::vector<std::string> verdict_lines;
    for (const auto& key : keys) {
        std::vector<const SweepCell*> cells;
        for (const auto& s : sweeps) cells.push_back(find_cell(s, key));
        std::vector<std::string> ids = {""};
        for (const SweepCell* cell : cells) {
            if (!cell) continue;
            for (const auto& t : cell_verdicts(*cell).expectations)
                if (std::find(ids.begin(), ids.end(), t.id) == ids.end()) ids.push_back(t.id);
        }
        for (const auto& id : ids) {
            VerdictSide base = verdict_side(cells[0], id);
            for (std::size_t i = 1; i < cells.size(); ++i) {
                VerdictSide other = verdict_side(cells[i], id);
                if (other.statuses == base.statuses) continue;
                // A grid point that only one side has is named among the value differences already; one that a
                // side has no record of, once, by its "runs" line.
                if (base.statuses.count("absent") || other.statuses.count("absent")) continue;
                if (!id.empty() && (base.statuses.count("missing") || other.statuses.count("missing"))) continue;
                ++c.verdict_differences;
                auto line = [&](auto name) {
                    return fmt::format("{} — {}: A {} vs {} {}", name(key_name(key)), id.empty() ? "runs" : name(id), base.text,
                                       letter(i), other.text);
                };
                verdict_lines.push_back(line(markdown_escape));
                c.differences.push_back(line([](std::string_view t) { return std::string(t); }));
            }
        }
    }

    out += fmt::format("\n{} value difference{} ({} outside each other's range), {} verdict difference{}.\n",
                       c.value_differences, c.value_differences == 1 ? "" : "s", c.separated_ranges,
                       c.verdict_differences, c.verdict_differences == 1 ? "" : "s");
    out += fmt::format("\nEach cell shows each sweep's median over its repeats; {} its median or range differs from A's, "
                       "{} its range does not even overlap A's; \"missing\": no record of the cell; \"absent\": not a "
                       "point of that sweep's grid; \"—\": no repeat gave a value.\n",
                       kDiffersMark, kSeparatedMark);
    out += sections;
    out += "\n## Verdicts\n\n";
    if (verdict_lines.empty()) {
        out += "The same verdicts in every cell (each expectation passed, failed or was skipped alike).\n";
    } else {
        for (const auto& line : verdict_lines) out += "- " + line + '\n';
    }
    c.markdown = out;
    return c;
}

}  // namespace lab::analysis
