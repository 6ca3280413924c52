#include "analysis/sweep_pivot.hpp"

#include <fmt/format.h>

namespace lab::analysis {
namespace {

std::optional<std::size_t> axis_named(const Sweep& s, const std::string& name) {
    for (std::size_t i = 0; i < s.axes.size(); ++i)
        if (s.axes[i].name == name) return i;
    return std::nullopt;
}

}  // namespace

PivotLayout pivot_layout(const Sweep& s) {
    PivotLayout layout;
    if (s.axes.empty()) return layout;
    if (auto named = axis_named(s, s.rows)) layout.rows = *named;
    else if (!s.rows.empty())
        layout.notes.push_back(fmt::format("rows variable '{}' is not a variable of the sweep; rows are '{}'", s.rows,
                                           s.axes[0].name));
    if (s.axes.size() > 1) {
        auto named = axis_named(s, s.columns);
        if (named && *named != layout.rows) {
            layout.columns = named;
        } else {
            for (std::size_t i = 0; i < s.axes.size() && !layout.columns; ++i)
                if (i != layout.rows) layout.columns = i;
            if (!s.columns.empty())
                layout.notes.push_back(fmt::format("columns variable '{}' {}; columns are '{}'", s.columns,
                                                   named ? "is also the rows variable" : "is not a variable of the sweep",
                                                   s.axes[*layout.columns].name));
        }
    }
    for (std::size_t i = 0; i < s.axes.size(); ++i)
        if (i != layout.rows && (!layout.columns || i != *layout.columns)) layout.others.push_back(i);

    std::size_t combinations = 1;
    for (std::size_t axis : layout.others) combinations *= s.axes[axis].values.size();
    for (std::size_t index = 0; index < combinations; ++index) {
        PivotSlice slice;
        slice.fixed.assign(layout.others.size(), 0);
        std::size_t rest = index;
        for (std::size_t k = layout.others.size(); k-- > 0;) {
            slice.fixed[k] = rest % s.axes[layout.others[k]].values.size();
            rest /= s.axes[layout.others[k]].values.size();
        }
        for (std::size_t k = 0; k < layout.others.size(); ++k) {
            const SweepAxis& axis = s.axes[layout.others[k]];
            slice.title += fmt::format("{}{}={}", k ? ", " : "", axis.name, axis.values[slice.fixed[k]]);
        }
        layout.slices.push_back(std::move(slice));
    }
    return layout;
}

const SweepCell& pivot_cell(const Sweep& s, const PivotLayout& layout, const PivotSlice& slice, std::size_t row,
                            std::size_t column) {
    std::vector<std::size_t> value_index(s.axes.size(), 0);
    value_index[layout.rows] = row;
    if (layout.columns) value_index[*layout.columns] = column;
    for (std::size_t k = 0; k < layout.others.size(); ++k) value_index[layout.others[k]] = slice.fixed[k];
    return s.cell_at(value_index);
}

}  // namespace lab::analysis
