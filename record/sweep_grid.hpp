#pragma once
// Which cells a sweep has, from its axes and the rule that combines them. The runner expands a scenario's
// [sweep] table with it; every record carries the rule (SweepRun::grid), so that the analysis rebuilds the
// same grid from records alone and tells a cell nobody ran (missing) from one the sweep never had (an
// excluded one, or a combination a zip group does not make).
#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace lab::record {

struct SweepVariable;

struct SweepGrid {
    // Per variable (declared order): how many of its first values the product takes; 0 for a variable
    // only the points give. Empty: the whole product of the axes (records written before grids were kept).
    std::vector<std::size_t> listed;
    std::vector<std::vector<std::string>> zip;                // groups of variable names moving in lockstep
    std::vector<std::vector<std::string>> points;             // cells given one by one: a value per variable
    std::vector<std::map<std::string, std::string>> exclude;  // cells matching every given value are left out
    bool operator==(const SweepGrid&) const = default;
};

using GridCell = std::vector<std::string>;  // a value text per variable, declared order

// The product of the listed values (a zip group as one axis, at its first member's place; the last axis
// fastest), then the points not already in it, then without the excluded cells. Throws std::length_error
// when there would be more than max_cells.
std::vector<GridCell> grid_cells(const std::vector<SweepVariable>& axes, const SweepGrid& grid, std::size_t max_cells);

}  // namespace lab::record
