#include "analysis/sweep.hpp"

#include "record/sweep_grid.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

namespace lab::analysis {
namespace {

std::string axes_text(const std::vector<record::SweepVariable>& variables) {
    std::string out;
    for (const auto& v : variables)
        out += fmt::format("{}{}: {}", out.empty() ? "" : " × ", v.name, fmt::join(v.values, ", "));
    return out.empty() ? "none" : out;
}

bool same_axes(const std::vector<record::SweepVariable>& a, const std::vector<record::SweepVariable>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (a[i].name != b[i].name || a[i].values != b[i].values) return false;
    return true;
}

std::string source_of(const StoredRecord& r, std::size_t position) {
    if (!r.source.empty()) return r.source;
    if (!r.record.run.directory.empty()) return r.record.run.directory;
    if (!r.record.run.id.empty()) return "run " + r.record.run.id;
    return fmt::format("record #{}", position + 1);
}

// Why `rec` is not a run of the sweep `ref` describes, or "" when it is. Sets `value_index` when it is.
std::string mismatch(const std::string& scenario, const record::SweepRun& ref, const record::RunRecord& rec,
                     std::vector<std::size_t>& value_index) {
    if (!rec.sweep) return "not a sweep run (the record has no sweep cell)";
    const record::SweepRun& run = *rec.sweep;
    if (run.sweep != ref.sweep) return fmt::format("of sweep '{}', not '{}'", run.sweep, ref.sweep);
    if (rec.scenario.name != scenario) return fmt::format("of scenario '{}', not '{}'", rec.scenario.name, scenario);
    if (!same_axes(run.variables, ref.variables))
        return fmt::format("its axes ({}) differ from the sweep's ({})", axes_text(run.variables),
                           axes_text(ref.variables));
    if (run.values.size() != ref.variables.size())
        return fmt::format("it has {} cell values for {} variables", run.values.size(), ref.variables.size());
    value_index.assign(ref.variables.size(), 0);
    for (std::size_t i = 0; i < ref.variables.size(); ++i) {
        const auto& axis = ref.variables[i];
        const auto& value = run.values[i];
        if (value.name != axis.name)
            return fmt::format("its cell value #{} is named '{}', not '{}'", i + 1, value.name, axis.name);
        auto it = std::find(axis.values.begin(), axis.values.end(), value.text);
        if (it == axis.values.end())
            return fmt::format("its value {}={} is not on the grid ({})", value.name, value.text,
                               fmt::join(axis.values, ", "));
        value_index[i] = static_cast<std::size_t>(it - axis.values.begin());
    }
    if (run.repeats < 1 || run.repeat < 0 || run.repeat >= run.repeats)
        return fmt::format("its repeat {} is outside 0..{}", run.repeat, run.repeats - 1);
    return "";
}

// Position of a grid point in Sweep::cells: the last axis varies fastest.
std::size_t grid_index(const std::vector<SweepAxis>& axes, const std::vector<std::size_t>& value_index) {
    if (value_index.size() != axes.size()) throw std::out_of_range("sweep cell: wrong number of value indices");
    std::size_t index = 0;
    for (std::size_t i = 0; i < axes.size(); ++i) {
        if (value_index[i] >= axes[i].values.size()) throw std::out_of_range("sweep cell: value index past the axis");
        index = index * axes[i].values.size() + value_index[i];
    }
    return index;
}

}  // namespace

std::string cell_name(const std::vector<SweepAxis>& axes, const std::vector<std::string>& values) {
    std::string out;
    for (std::size_t i = 0; i < axes.size() && i < values.size(); ++i)
        out += fmt::format("{}{}={}", i ? ", " : "", axes[i].name, values[i]);
    return out;
}

std::size_t Sweep::run_count() const {
    std::size_t n = 0;
    for (const auto& c : cells) n += c.runs.size();
    return n;
}

std::vector<const SweepCell*> Sweep::missing_cells() const {
    std::vector<const SweepCell*> out;
    for (const auto& c : cells)
        if (c.runs.empty() && c.in_grid) out.push_back(&c);
    return out;
}

std::size_t Sweep::grid_cell_count() const {
    return static_cast<std::size_t>(std::count_if(cells.begin(), cells.end(), [](const SweepCell& c) { return c.in_grid; }));
}

const SweepCell& Sweep::cell_at(const std::vector<std::size_t>& value_index) const {
    return cells.at(grid_index(axes, value_index));
}

Sweep gather_sweep(std::vector<StoredRecord> records) {
    Sweep s;
    auto first = std::find_if(records.begin(), records.end(),
                              [](const StoredRecord& r) { return r.record.sweep && !r.record.sweep->variables.empty(); });
    if (first == records.end()) {
        for (std::size_t i = 0; i < records.size(); ++i)
            s.rejected.push_back(fmt::format("{}: {}", source_of(records[i], i),
                                             records[i].record.sweep ? "a sweep run without variables"
                                                                     : "not a sweep run (the record has no sweep cell)"));
        return s;
    }
    // Copied: the records are moved into their cells below.
    const record::SweepRun ref = *first->record.sweep;
    s.label = ref.sweep;
    s.scenario = first->record.scenario.name;
    s.scenario_file = first->record.scenario.file;
    s.rows = ref.rows;
    s.columns = ref.columns;
    std::size_t grid_size = 1;
    for (const auto& v : ref.variables) {
        s.axes.push_back(SweepAxis{v.name, v.values, std::vector<std::optional<double>>(v.values.size())});
        grid_size *= v.values.size();
    }
    s.cells.resize(grid_size);
    for (std::size_t index = 0; index < grid_size; ++index) {
        SweepCell& cell = s.cells[index];
        cell.value_index.assign(s.axes.size(), 0);
        cell.values.assign(s.axes.size(), "");
        std::size_t rest = index;
        for (std::size_t i = s.axes.size(); i-- > 0;) {
            cell.value_index[i] = rest % s.axes[i].values.size();
            rest /= s.axes[i].values.size();
            cell.values[i] = s.axes[i].values[cell.value_index[i]];
        }
        cell.name = cell_name(s.axes, cell.values);
    }
    // Which combinations are cells: the rule every record carries (records without one: all of them).
    try {
        const std::vector<record::GridCell> grid = record::grid_cells(ref.variables, ref.grid, grid_size);
        const std::set<record::GridCell> in_grid(grid.begin(), grid.end());
        for (auto& cell : s.cells) cell.in_grid = in_grid.count(cell.values) > 0;
    } catch (const std::length_error&) {
        // Cannot be larger than the product; keep every combination a cell.
    }

    for (std::size_t position = 0; position < records.size(); ++position) {
        StoredRecord& stored = records[position];
        std::string source = source_of(stored, position);
        std::vector<std::size_t> value_index;
        std::string why = mismatch(s.scenario, ref, stored.record, value_index);
        if (!why.empty()) {
            s.rejected.push_back(fmt::format("{}: {}", source, why));
            continue;
        }
        const record::SweepRun& run = *stored.record.sweep;
        SweepCell& cell = s.cells[grid_index(s.axes, value_index)];
        if (!cell.cell_id.empty() && cell.cell_id != run.cell_id) {
            s.rejected.push_back(fmt::format("{}: cell {} has id {} here, {} in {} (was the scenario edited between runs?)",
                                             source, cell.name, run.cell_id, cell.cell_id, cell.runs.front().source));
            continue;
        }
        auto same_repeat = std::find_if(cell.runs.begin(), cell.runs.end(), [&](const StoredRecord& r) {
            return r.record.sweep->repeat == run.repeat;
        });
        if (same_repeat != cell.runs.end()) {
            s.duplicates.push_back(fmt::format("{}: cell {} repeat {} again (kept {})", source, cell.name, run.repeat,
                                               same_repeat->source));
            continue;
        }
        cell.cell_id = run.cell_id;
        cell.in_grid = true;  // a record of it says it was run
        s.repeats = std::max(s.repeats, run.repeats);
        for (std::size_t i = 0; i < run.values.size(); ++i)
            if (run.values[i].number && !s.axes[i].numbers[value_index[i]])
                s.axes[i].numbers[value_index[i]] = run.values[i].number;
        add_distinct(s.kernels, stored.record.run.kernel.empty() ? "unknown kernel" : stored.record.run.kernel);
        add_distinct(s.backends, stored.record.run.impairment_backend.empty() ? "none" : stored.record.run.impairment_backend);
        add_distinct(s.hostnames, stored.record.run.hostname.empty() ? "unknown host" : stored.record.run.hostname);
        for (const auto& m : stored.record.metrics)
            if (std::none_of(s.metrics.begin(), s.metrics.end(), [&](const record::Metric& k) { return k.id == m.id; }))
                s.metrics.push_back(m);
        stored.source = source;
        auto at = std::find_if(cell.runs.begin(), cell.runs.end(), [&](const StoredRecord& r) {
            return r.record.sweep->repeat > run.repeat;
        });
        cell.runs.insert(at, std::move(stored));
    }

    for (const auto& cell : s.cells) {
        if (cell.runs.empty() || static_cast<int>(cell.runs.size()) >= s.repeats) continue;
        std::vector<int> absent;
        for (int r = 0; r < s.repeats; ++r)
            if (std::none_of(cell.runs.begin(), cell.runs.end(),
                             [&](const StoredRecord& k) { return k.record.sweep->repeat == r; }))
                absent.push_back(r);
        s.incomplete.push_back(fmt::format("{}: {} of {} repeats (no record of repeat {})", cell.name, cell.runs.size(),
                                           s.repeats, fmt::join(absent, ", ")));
    }
    return s;
}

void add_distinct(std::vector<std::string>& list, const std::string& value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

}  // namespace lab::analysis
