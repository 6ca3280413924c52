#include "record/sweep_grid.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "record/run_record.hpp"

namespace lab::record {
namespace {

bool excluded(const std::vector<SweepVariable>& axes, const GridCell& cell,
              const std::vector<std::map<std::string, std::string>>& exclude) {
    return std::any_of(exclude.begin(), exclude.end(), [&](const auto& partial) {
        for (const auto& [name, text] : partial)
            for (std::size_t i = 0; i < axes.size(); ++i)
                if (axes[i].name == name && cell[i] != text) return false;
        return true;
    });
}

}  // namespace

std::vector<GridCell> grid_cells(const std::vector<SweepVariable>& axes, const SweepGrid& grid, std::size_t max_cells) {
    auto listed = [&](std::size_t i) {
        return grid.listed.empty() ? axes[i].values.size() : std::min(grid.listed.at(i), axes[i].values.size());
    };
    std::vector<GridCell> cells;
    bool product = !axes.empty();
    for (std::size_t i = 0; i < axes.size(); ++i) product = product && listed(i) > 0;
    if (product) {
        // Axes: a variable alone, or a zip group at the place of its first member.
        std::vector<std::vector<std::size_t>> axis_members;
        std::vector<std::size_t> axis_lengths;
        std::set<std::size_t> placed;
        std::size_t total = 1;
        for (std::size_t i = 0; i < axes.size(); ++i) {
            if (placed.count(i)) continue;
            std::vector<std::size_t> members{i};
            for (const auto& group : grid.zip)
                if (std::find(group.begin(), group.end(), axes[i].name) != group.end()) {
                    members.clear();
                    for (const auto& name : group)
                        for (std::size_t j = 0; j < axes.size(); ++j)
                            if (axes[j].name == name) members.push_back(j);
                }
            std::size_t length = listed(members.front());
            for (std::size_t j : members) {
                placed.insert(j);
                length = std::min(length, listed(j));  // the parser refuses groups of unequal lengths
            }
            total *= length;
            if (total > max_cells) throw std::length_error("the sweep's grid has more cells than allowed");
            axis_members.push_back(std::move(members));
            axis_lengths.push_back(length);
        }
        std::vector<std::size_t> at(axis_members.size(), 0);
        for (std::size_t n = 0; n < total; ++n) {
            GridCell cell(axes.size());
            for (std::size_t a = 0; a < axis_members.size(); ++a)
                for (std::size_t j : axis_members[a]) cell[j] = axes[j].values[at[a]];
            cells.push_back(std::move(cell));
            for (std::size_t a = axis_members.size(); a-- > 0;) {  // the last axis fastest
                if (++at[a] < axis_lengths[a]) break;
                at[a] = 0;
            }
        }
    }
    for (const auto& p : grid.points) {
        if (p.size() != axes.size() || std::find(cells.begin(), cells.end(), p) != cells.end()) continue;
        cells.push_back(p);
        if (cells.size() > max_cells) throw std::length_error("the sweep has more cells than allowed");
    }
    std::erase_if(cells, [&](const GridCell& c) { return excluded(axes, c, grid.exclude); });
    return cells;
}

}  // namespace lab::record
