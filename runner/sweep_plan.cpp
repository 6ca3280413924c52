#include "runner/sweep_plan.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>

#include "common/printable.hpp"
#include "runner/scenario_parser.hpp"

namespace lab::runner {
namespace {

constexpr std::size_t kCellsNamed = 3;

std::string joined_values(const std::vector<std::string>& texts) {
    std::string out;
    for (const auto& t : texts) out += (out.empty() ? "" : ",") + t;
    return out;
}

// The command line's values replace a variable's list; points that give it another value are dropped with
// it, since the records of a cell off the grid would not be tabulated. Problems are located at the
// variable's declaration (or the [sweep] table for a name it does not declare).
void apply_overrides(SweepSpec& spec, const SweepOverrides& o, std::vector<std::string>& problems) {
    auto problem = [&](const SourceLocation& at, const std::string& message) {
        problems.push_back(printable(fmt::format("{}: {}", at.str(), message)));
    };
    auto variable = [&](const std::string& name, const std::string& option) -> SweepVariableSpec* {
        for (auto& v : spec.variables)
            if (v.name == name) return &v;
        std::string declared;
        for (const auto& v : spec.variables) declared += (declared.empty() ? "" : ", ") + v.name;
        problem(spec.where, fmt::format("{}: not a variable of [sweep] (declared: {})", option, declared));
        return nullptr;
    };
    auto replace_values = [&](SweepVariableSpec& v, const std::vector<std::string>& texts, const std::string& option) {
        std::vector<record::SweepValue> values;
        for (const auto& t : texts) {
            auto value = sweep_value_from_text(v, t);
            if (auto* e = std::get_if<ParseError>(&value)) {
                problem(v.where, fmt::format("{}: {}", option, e->message));
                continue;
            }
            const auto& parsed = std::get<record::SweepValue>(value);
            if (std::any_of(values.begin(), values.end(), [&](const auto& x) { return x.text == parsed.text; })) {
                problem(v.where, fmt::format("{}: lists {} twice", option, parsed.text));
                continue;
            }
            values.push_back(parsed);
        }
        if (values.empty()) return;
        v.values = values;
        v.listed = values.size();
        std::erase_if(spec.points, [&](const SweepCell& c) {
            return std::any_of(c.begin(), c.end(), [&](const auto& x) {
                return x.name == v.name &&
                       std::none_of(values.begin(), values.end(), [&](const auto& kept) { return kept.text == x.text; });
            });
        });
    };
    std::map<std::string, std::string> option_of;  // variable → the option that changed it, for zip problems
    for (const auto& [name, texts] : o.values) {
        const std::string option = fmt::format("--var {}={}", name, joined_values(texts));
        if (SweepVariableSpec* v = variable(name, "--var " + name)) {
            replace_values(*v, texts, option);
            option_of[name] = option;
        }
    }
    for (const auto& [name, text] : o.fixed) {
        const std::string option = fmt::format("--set {}={}", name, text);
        if (SweepVariableSpec* v = variable(name, "--set " + name)) {
            replace_values(*v, {text}, option);
            option_of[name] = option;
        }
    }
    // Variables that move in lockstep must keep as many values each.
    for (const auto& group : spec.zip) {
        const SweepVariableSpec* first = spec.find(group.front());
        for (const auto& name : group) {
            const SweepVariableSpec* v = spec.find(name);
            if (!v || v->listed == first->listed || !(option_of.count(name) || option_of.count(first->name))) continue;
            const std::string& changed = option_of.count(name) ? name : first->name;
            problem(spec.find(changed)->where,
                    fmt::format("{}: '{}' and '{}' move in lockstep (zip) and would have {} and {} values: give "
                                "each of them as many (--set or --var for both)",
                                option_of[changed], first->name, name, first->listed, v->listed));
        }
    }
}

// Each problem once, in the order first found, with the cells that have it: gathered as the cells are
// parsed, each text kept once however many cells report it.
class CellProblems {
public:
    void add(const std::string& problem, std::size_t cell) {
        auto [it, added] = where_.try_emplace(problem);
        if (added) order_.push_back(&it->first);
        // A problem a cell reports twice (two mentions of one bad reference) still counts as one cell.
        if (it->second.empty() || it->second.back() != cell) it->second.push_back(cell);
    }

    bool empty() const { return order_.empty(); }

    // As it is when every cell has it, else with the cells that have it.
    std::vector<std::string> merged(const std::vector<SweepCell>& cells) const {
        std::vector<std::string> out;
        for (const std::string* problem : order_) {
            const auto& in = where_.at(*problem);
            if (in.size() == cells.size()) {
                out.push_back(*problem);
                continue;
            }
            std::string named;
            for (std::size_t k = 0; k < in.size() && k < kCellsNamed; ++k)
                named += (named.empty() ? "" : "; ") + describe_cell(cells[in[k]]);
            out.push_back(printable(fmt::format("{} [in {} of {} sweep cells: {}{}]", *problem, in.size(), cells.size(),
                                                named, in.size() > kCellsNamed ? "; …" : "")));
        }
        return out;
    }

private:
    std::map<std::string, std::vector<std::size_t>> where_;
    std::vector<const std::string*> order_;  // keys of where_, which a std::map never moves
};

struct Expanded {
    std::string text;
    toml::table root;
    std::optional<SweepSpec> spec;
    std::vector<SweepCell> cells;
};

// The file read and parsed once, its grid expanded and checked against the sweep's bounds, before any cell
// is parsed: a grid too big is refused at [sweep] with its numbers, having cost next to nothing.
Expanded expand(const std::string& path, const SweepOverrides& overrides) {
    Expanded x;
    x.text = read_scenario_file(path);
    x.root = parse_scenario_toml(x.text, path);
    TomlReader reader(path);
    x.spec = parse_sweep_spec(x.root, reader, scenario_name_in(x.root));
    std::vector<std::string> problems = reader.diagnostics();
    if (!x.spec) return x;
    apply_overrides(*x.spec, overrides, problems);
    if (!problems.empty()) throw ScenarioError(problems);
    const std::string at = x.spec->where.str();
    try {
        x.cells = expand_cells(*x.spec);
    } catch (const std::runtime_error& e) {
        throw ScenarioError({printable(fmt::format("{}: {}", at, e.what()))});
    }
    if (x.cells.empty()) throw ScenarioError({printable(fmt::format("{}: the sweep's exclusions leave no cell to run", at))});
    if (auto problem = sweep_budget_problem(x.cells.size(), scenario_size(x.root)))
        throw ScenarioError({printable(fmt::format("{}: {}", at, *problem))});
    return x;
}

// Parses the cells one after another, handing each valid one to `valid` before the next is parsed.
std::vector<std::string> parse_cells(const Expanded& x, const std::string& path, const ResourceLimits& limits,
                                     const std::function<void(std::size_t, Scenario&&)>& valid) {
    CellProblems problems;
    for (std::size_t i = 0; i < x.cells.size(); ++i) {
        std::optional<Scenario> s;
        try {
            s = parse_scenario_tree(x.root, path, limits, &x.cells[i]);
        } catch (const ScenarioError& e) {
            for (const auto& d : e.diagnostics()) problems.add(d, i);
            continue;
        }
        valid(i, std::move(*s));
    }
    return problems.empty() ? std::vector<std::string>{} : problems.merged(x.cells);
}

SweepCellOutline outline_of(const Scenario& s) {
    SweepCellOutline o;
    o.cell_id = s.sweep->cell_id;
    o.values = s.sweep->values;
    for (const auto& step : s.steps) o.last_step_at = std::max(o.last_step_at, step.at);
    o.time_limit = s.time_limit;
    return o;
}

}  // namespace

SweepPlan visit_sweep_cells(const std::string& path, const SweepOverrides& overrides, const ResourceLimits& limits,
                            const SweepCellVisitor& visit) {
    Expanded x = expand(path, overrides);
    if (!x.spec)
        throw ScenarioError({printable(fmt::format("{}:1:1: the scenario has no [sweep] table: `lab sweep` varies what "
                                                   "[sweep] declares (docs/scenario-format.md)",
                                                   path))});
    SweepPlan plan;
    plan.file = path;
    plan.text_hash = sweep_cell_id(x.text, {});
    plan.spec = *x.spec;
    plan.outline.reserve(x.cells.size());
    // What every cell's Scenario::sweep shares (axes, grid, pivot), worked out once; the id and values are
    // the cell's own.
    const record::SweepRun shared = sweep_run_of(plan.spec, {}, "");
    const SweepCellIds cell_id(x.text);
    auto problems = parse_cells(x, path, limits, [&](std::size_t i, Scenario&& s) {
        s.sweep = shared;
        s.sweep->cell_id = cell_id(x.cells[i]);
        s.sweep->values = x.cells[i];
        plan.outline.push_back(outline_of(s));
        visit(i, std::move(s));
    });
    if (!problems.empty()) throw ScenarioError(problems);
    return plan;
}

SweepPlan plan_sweep(const std::string& path, const SweepOverrides& overrides, const ResourceLimits& limits) {
    std::vector<Scenario> cells;
    SweepPlan plan = visit_sweep_cells(path, overrides, limits, [&](std::size_t, Scenario&& s) { cells.push_back(std::move(s)); });
    plan.cells = std::move(cells);
    return plan;
}

SweepPlan outline_sweep(const std::string& path, const SweepOverrides& overrides, const ResourceLimits& limits) {
    return visit_sweep_cells(path, overrides, limits, [](std::size_t, Scenario&&) {});
}

std::vector<std::string> sweep_cell_problems(const std::string& path, const ResourceLimits& limits) {
    Expanded x;
    try {
        x = expand(path, {});
    } catch (const ScenarioError& e) {
        return e.diagnostics();
    }
    return parse_cells(x, path, limits, [](std::size_t, Scenario&&) {});
}

}  // namespace lab::runner
