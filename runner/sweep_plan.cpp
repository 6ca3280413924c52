#include "runner/sweep_plan.hpp"

#include <algorithm>
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

// Each problem once: as it is when every cell has it, else with the cells that have it.
std::vector<std::string> merge_problems(const std::vector<std::pair<std::string, std::size_t>>& found,
                                        const std::vector<SweepCell>& cells) {
    std::vector<std::string> order;
    std::map<std::string, std::vector<std::size_t>> where;
    for (const auto& [problem, cell] : found) {
        if (!where.count(problem)) order.push_back(problem);
        auto& cells_with_it = where[problem];
        // A problem a cell reports twice (two mentions of one bad reference) still counts as one cell.
        if (cells_with_it.empty() || cells_with_it.back() != cell) cells_with_it.push_back(cell);
    }
    std::vector<std::string> out;
    for (const auto& problem : order) {
        const auto& in = where[problem];
        if (in.size() == cells.size()) {
            out.push_back(problem);
            continue;
        }
        std::string named;
        for (std::size_t k = 0; k < in.size() && k < kCellsNamed; ++k)
            named += (named.empty() ? "" : "; ") + describe_cell(cells[in[k]]);
        out.push_back(printable(fmt::format("{} [in {} of {} sweep cells: {}{}]", problem, in.size(), cells.size(), named,
                                            in.size() > kCellsNamed ? "; …" : "")));
    }
    return out;
}

struct Expanded {
    std::string text;
    toml::table root;
    std::optional<SweepSpec> spec;
    std::vector<SweepCell> cells;
};

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
    return x;
}

}  // namespace

SweepPlan plan_sweep(const std::string& path, const SweepOverrides& overrides, const ResourceLimits& limits) {
    Expanded x = expand(path, overrides);
    if (!x.spec)
        throw ScenarioError({printable(fmt::format("{}:1:1: the scenario has no [sweep] table: `lab sweep` varies what "
                                                   "[sweep] declares (docs/scenario-format.md)",
                                                   path))});
    SweepPlan plan;
    plan.file = path;
    plan.text_hash = sweep_cell_id(x.text, {});
    plan.spec = *x.spec;
    std::vector<std::pair<std::string, std::size_t>> found;
    for (std::size_t i = 0; i < x.cells.size(); ++i) {
        try {
            Scenario s = parse_scenario_tree(x.root, path, limits, &x.cells[i]);
            s.sweep = sweep_run_of(plan.spec, x.cells[i], x.text);
            plan.cells.push_back(std::move(s));
        } catch (const ScenarioError& e) {
            for (const auto& d : e.diagnostics()) found.emplace_back(d, i);
        }
    }
    if (!found.empty()) throw ScenarioError(merge_problems(found, x.cells));
    return plan;
}

std::vector<std::string> sweep_cell_problems(const std::string& path, const ResourceLimits& limits) {
    Expanded x;
    try {
        x = expand(path, {});
    } catch (const ScenarioError& e) {
        return e.diagnostics();
    }
    std::vector<std::pair<std::string, std::size_t>> found;
    for (std::size_t i = 0; i < x.cells.size(); ++i) {
        try {
            parse_scenario_tree(x.root, path, limits, &x.cells[i]);
        } catch (const ScenarioError& e) {
            for (const auto& d : e.diagnostics()) found.emplace_back(d, i);
        }
    }
    return merge_problems(found, x.cells);
}

}  // namespace lab::runner
