#include "runner/sweep_plan.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "common/printable.hpp"
#include "runner/scenario_parser.hpp"

namespace lab::runner {
namespace {

constexpr std::size_t kCellsNamed = 3;

void apply_overrides(SweepSpec& spec, const SweepOverrides& o, const std::string& file, std::vector<std::string>& problems) {
    auto variable = [&](const std::string& name, std::string_view option) -> SweepVariableSpec* {
        for (auto& v : spec.variables)
            if (v.name == name) return &v;
        std::string declared;
        for (const auto& v : spec.variables) declared += (declared.empty() ? "" : ", ") + v.name;
        problems.push_back(printable(fmt::format("{}: {} {}: not a variable of [sweep] (declared: {})", file, option, name, declared)));
        return nullptr;
    };
    auto values_of = [&](SweepVariableSpec& v, const std::vector<std::string>& texts, std::string_view option) {
        std::vector<record::SweepValue> values;
        for (const auto& t : texts) {
            auto value = sweep_value_from_text(v, t);
            if (auto* e = std::get_if<ParseError>(&value)) {
                problems.push_back(printable(fmt::format("{}: {} {}: {}", file, option, v.name, e->message)));
                continue;
            }
            values.push_back(std::get<record::SweepValue>(value));
        }
        return values;
    };
    for (const auto& [name, texts] : o.values)
        if (SweepVariableSpec* v = variable(name, "--var")) {
            v->values = values_of(*v, texts, "--var");
            v->listed = v->values.size();
        }
    for (const auto& [name, text] : o.fixed)
        if (SweepVariableSpec* v = variable(name, "--set")) {
            v->values = values_of(*v, {text}, "--set");
            v->listed = v->values.size();
            if (v->values.empty()) continue;
            const std::string kept = v->values.front().text;
            std::erase_if(spec.points, [&](const SweepCell& c) {
                return std::any_of(c.begin(), c.end(), [&](const auto& x) { return x.name == name && x.text != kept; });
            });
        }
}

// Each problem once: as it is when every cell has it, else with the cells that have it.
std::vector<std::string> merge_problems(const std::vector<std::pair<std::string, std::size_t>>& found,
                                        const std::vector<SweepCell>& cells) {
    std::vector<std::string> order;
    std::map<std::string, std::vector<std::size_t>> where;
    for (const auto& [problem, cell] : found) {
        if (!where.count(problem)) order.push_back(problem);
        where[problem].push_back(cell);
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
    apply_overrides(*x.spec, overrides, path, problems);
    if (!problems.empty()) throw ScenarioError(problems);
    try {
        x.cells = expand_cells(*x.spec);
    } catch (const std::runtime_error& e) {
        throw ScenarioError({printable(fmt::format("{}: {}", path, e.what()))});
    }
    if (x.cells.empty()) throw ScenarioError({printable(fmt::format("{}: the sweep's exclusions leave no cell to run", path))});
    return x;
}

}  // namespace

SweepPlan plan_sweep(const std::string& path, const SweepOverrides& overrides, const ResourceLimits& limits) {
    Expanded x = expand(path, overrides);
    if (!x.spec)
        throw ScenarioError({printable(fmt::format("{}: the scenario has no [sweep] table: `lab sweep` varies what "
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
