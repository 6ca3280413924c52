#include "analysis/sweep_overview.hpp"

#include <fmt/format.h>

#include "analysis/cell_verdicts.hpp"

namespace lab::analysis {
namespace {

std::string plural(std::size_t n, const char* one, const char* many) {
    return fmt::format("{} {}", n, n == 1 ? one : many);
}

std::string tally_line(const ExpectationTally& t) {
    std::string name = t.id;
    if (!t.description.empty() && t.description != t.id) name += fmt::format(" ({})", t.description);
    std::string out = fmt::format("{}: {}", name, t.outcome_text());
    if (!t.expected.empty() && !(t.expected.size() == 1 && t.expected[0].empty()))
        out += fmt::format("; expected {}", fmt::join(t.expected, " | "));
    if (!t.failed_observed.empty()) out += fmt::format("; observed when failing {}", fmt::join(t.failed_observed, ", "));
    if (t.failed && !t.origin.empty()) out += " — " + t.origin;
    return out;
}

}  // namespace

SweepOverview sweep_overview(const Sweep& s, const PivotLayout& layout) {
    SweepOverview o;
    o.title = s.label.empty() ? "sweep (no sweep records)" : "sweep " + s.label;
    o.facts.push_back({"scenario", s.scenario_file.empty() ? s.scenario : fmt::format("{} ({})", s.scenario, s.scenario_file), {}});
    o.facts.push_back({s.kernels.size() > 1 ? "kernels" : "kernel", fmt::format("{}", fmt::join(s.kernels, ", ")), {}});
    o.facts.push_back({s.backends.size() > 1 ? "backends" : "backend", fmt::format("{}", fmt::join(s.backends, ", ")), {}});
    o.facts.push_back({s.hostnames.size() > 1 ? "hosts" : "host", fmt::format("{}", fmt::join(s.hostnames, ", ")), {}});
    std::string axes;
    for (const auto& axis : s.axes)
        axes += fmt::format("{}{} ({})", axes.empty() ? "" : " × ", axis.name, fmt::join(axis.values, ", "));
    o.facts.push_back({"grid", fmt::format("{} = {} × {}", axes.empty() ? "none" : axes, plural(s.grid_cell_count(), "cell", "cells"),
                                           plural(static_cast<std::size_t>(s.repeats), "repeat", "repeats")),
                       {}});
    if (!s.axes.empty()) {
        std::string pivot = fmt::format("rows {}", s.axes[layout.rows].name);
        if (layout.columns) pivot += fmt::format(", columns {}", s.axes[*layout.columns].name);
        for (std::size_t axis : layout.others) pivot += fmt::format(", a table per {}", s.axes[axis].name);
        o.facts.push_back({"layout", pivot, layout.notes});
    }
    o.facts.push_back({"runs", fmt::format("{} recorded of {}", s.run_count(), s.grid_cell_count() * static_cast<std::size_t>(s.repeats)), {}});
    OverviewFact missing{"missing cells", "none", {}};
    for (const SweepCell* c : s.missing_cells()) missing.items.push_back(c->name);
    if (!missing.items.empty()) missing.value = fmt::format("{} (no record at all)", missing.items.size());
    o.facts.push_back(std::move(missing));
    if (!s.incomplete.empty()) o.facts.push_back({"incomplete cells", fmt::format("{}", s.incomplete.size()), s.incomplete});
    o.facts.push_back({"duplicated records", s.duplicates.empty() ? "none" : fmt::format("{} (left out)", s.duplicates.size()),
                       s.duplicates});
    if (!s.rejected.empty())
        o.facts.push_back({"records not of this sweep", fmt::format("{} (left out)", s.rejected.size()), s.rejected});

    VerdictCounts total;
    std::size_t runs = 0, errors = 0, interrupted = 0, unfinished = 0, flaky = 0;
    for (const auto& cell : s.cells) {
        if (cell.runs.empty()) continue;
        CellVerdicts v = cell_verdicts(cell);
        total += v.counts;
        runs += v.runs;
        errors += v.errors;
        interrupted += v.interrupted;
        unfinished += v.unfinished;
        flaky += v.flaky();
        CellVerdictLine line{cell.name, cell_marks(v), {}};
        for (const auto& t : v.expectations)
            if (t.failed || t.flaky()) line.items.push_back(tally_line(t));
        for (const auto& d : v.outcome_details) line.items.push_back(d);
        if (line.items.empty()) ++o.quiet_cells;
        else o.cells.push_back(std::move(line));
    }
    o.verdict_total = fmt::format("{} ({}, {}{}); {}; {}", plural(runs, "run", "runs"), plural(errors, "error", "errors"),
                                  interrupted ? plural(interrupted, "interrupted", "interrupted") + ", " : "",
                                  plural(unfinished, "cut short", "cut short"), counts_text(total),
                                  plural(flaky, "flaky cell", "flaky cells"));
    return o;
}

}  // namespace lab::analysis
