#include "runner/sweep_spec.hpp"

#include "runner/sweep_kernel.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <set>
#include <stdexcept>

#include <fmt/format.h>

#include "record/sweep_grid.hpp"

namespace lab::runner {
namespace {

bool is_variable_name(std::string_view name) {
    if (name.empty() || name.size() > 32 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
    return std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// A sweep's label names its directory: the same characters as a scenario's name.
bool is_label(std::string_view name) {
    if (name.empty() || name.size() > 64 || !(name[0] >= 'a' && name[0] <= 'z')) return false;
    return std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

const char* kind_plural(SweepValueKind k) {
    switch (k) {
        case SweepValueKind::Integer: return "integers";
        case SweepValueKind::Number: return "numbers";
        case SweepValueKind::Boolean: return "booleans";
        case SweepValueKind::Text: return "strings";
    }
    return "?";
}

const char* kind_name(SweepValueKind k) {
    switch (k) {
        case SweepValueKind::Integer: return "an integer";
        case SweepValueKind::Number: return "a number";
        case SweepValueKind::Boolean: return "a boolean";
        case SweepValueKind::Text: return "a string";
    }
    return "?";
}

// A scalar TOML value as a sweep value, or nullopt for anything else.
std::optional<std::pair<SweepValueKind, record::SweepValue>> scalar(const toml::node& n) {
    record::SweepValue v;
    if (auto i = n.value_exact<std::int64_t>()) {
        v.text = std::to_string(*i);
        v.number = static_cast<double>(*i);
        return std::pair{SweepValueKind::Integer, v};
    }
    if (auto d = n.value_exact<double>()) {
        v.text = fmt::format("{}", *d);
        v.number = *d;
        return std::pair{SweepValueKind::Number, v};
    }
    if (auto b = n.value_exact<bool>()) {
        v.text = *b ? "true" : "false";
        v.number = *b ? 1 : 0;
        return std::pair{SweepValueKind::Boolean, v};
    }
    if (auto s = n.value_exact<std::string>()) {
        v.text = *s;
        return std::pair{SweepValueKind::Text, v};
    }
    return std::nullopt;
}

bool same_value(const record::SweepValue& a, const record::SweepValue& b) { return a.text == b.text; }

class SweepParser {
public:
    SweepParser(const toml::table& sweep, TomlReader& r, const std::string& scenario_name) : t_(sweep), r_(r) {
        spec_.label = scenario_name;
        spec_.where = r_.where(sweep);
    }

    SweepSpec parse() {
        r_.reject_unknown_keys(t_, {"name", "vars", "defaults", "zip", "points", "exclude", "rows", "columns", "repeat"},
                               "[sweep]");
        if (auto name = r_.string(t_, "name", false)) {
            spec_.label = *name;
            if (!is_label(*name))
                r_.error(*t_.get("name"), fmt::format("sweep name '{}' is not valid (lower-case letters, digits and '-', "
                                                      "starting with a letter, at most 64 characters)",
                                                      *name));
        }
        if (auto repeat = r_.integer(t_, "repeat", false, 1, 100)) spec_.repeats = static_cast<int>(*repeat);
        parse_vars();
        parse_points();
        if (spec_.variables.empty()) r_.error(t_, "[sweep] declares no variable: give [sweep.vars] or points");
        parse_zip();
        parse_exclude();
        parse_defaults();
        check_kernel_values();
        for (const char* key : {"rows", "columns"})
            if (auto v = r_.string(t_, key, false)) {
                if (!spec_.find(*v)) r_.error(*t_.get(key), fmt::format("{} = '{}' is not a variable of [sweep]", key, *v));
                (std::string_view(key) == "rows" ? spec_.rows : spec_.columns) = *v;
            }
        return std::move(spec_);
    }

private:
    // The kernel variable places cells on this host or in guests (runner/sweep_kernel.hpp): its values
    // must say where, before anything runs.
    void check_kernel_values() {
        const SweepVariableSpec* kernel = spec_.find(kKernelVariable);
        if (!kernel) return;
        for (const auto& v : kernel->values)
            if (auto problem = kernel_value_problem(v.text)) r_.error(kernel->where, fmt::format("kernel = {}", *problem));
    }

    // A value for `variable` at node n: its kind must match the variable's (integers may stand where
    // numbers are declared).
    std::optional<record::SweepValue> value_for(const SweepVariableSpec& variable, const toml::node& n) {
        auto s = scalar(n);
        if (!s) {
            r_.error(n, fmt::format("a value of '{}' must be a number, a boolean or a string", variable.name));
            return std::nullopt;
        }
        s->second.name = variable.name;
        if (s->first == variable.kind || (variable.kind == SweepValueKind::Number && s->first == SweepValueKind::Integer))
            return s->second;
        r_.error(n, fmt::format("'{}' takes {} (as its first value is); this is {}", variable.name,
                                kind_plural(variable.kind), kind_name(s->first)));
        return std::nullopt;
    }

    void parse_vars() {
        const toml::table* vars = r_.table(t_, "vars", false);
        if (!vars) return;
        for (const auto& [key, node] : *vars) {
            SweepVariableSpec v;
            v.name = std::string(key.str());
            v.where = r_.where(key);
            if (!is_variable_name(v.name))
                r_.error(v.where, fmt::format("sweep variable '{}' is not a valid name (a-z, 0-9 and '_', starting with "
                                              "a letter, at most 32 characters)",
                                              v.name));
            const toml::array* values = node.as_array();
            if (!values || values->empty()) {
                r_.error(node, fmt::format("'{}' must list its values: {} = [1, 2, 3]", v.name, v.name));
                continue;
            }
            if (auto first = scalar((*values)[0])) v.kind = first->first;
            for (const toml::node& n : *values)
                if (auto value = value_for(v, n)) {
                    if (std::any_of(v.values.begin(), v.values.end(), [&](const auto& x) { return same_value(x, *value); }))
                        r_.error(n, fmt::format("'{}' lists {} twice", v.name, value->text));
                    else
                        v.values.push_back(*value);
                }
            v.listed = v.values.size();
            spec_.variables.push_back(std::move(v));
        }
        // toml++ iterates keys in order; the file's order is the order the author meant.
        std::sort(spec_.variables.begin(), spec_.variables.end(), [](const auto& a, const auto& b) {
            return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
        });
    }

    // A table assigning variables ({ backlog = 1, cookies = 0 }), checked against the declared ones.
    std::map<std::string, record::SweepValue> assignment(const toml::table& t, bool every_variable, std::string_view what) {
        std::map<std::string, record::SweepValue> out;
        for (const auto& [key, node] : t) {
            const std::string name(key.str());
            const SweepVariableSpec* v = spec_.find(name);
            if (!v) {
                r_.error(r_.where(key), fmt::format("{}: '{}' is not a variable of [sweep]", what, name));
                continue;
            }
            if (auto value = value_for(*v, node)) out[name] = *value;
        }
        if (every_variable)
            for (const auto& v : spec_.variables)
                if (!out.count(v.name) && t.get(v.name) == nullptr)
                    r_.error(t, fmt::format("{}: gives no value for '{}'", what, v.name));
        return out;
    }

    void parse_points() {
        const toml::array* points = r_.array(t_, "points", false);
        if (!points) return;
        // Without [sweep.vars] the first point declares the variables, in its order.
        if (spec_.variables.empty() && !points->empty())
            if (const toml::table* first = (*points)[0].as_table()) {
                std::vector<std::pair<SourceLocation, std::string>> keys;
                for (const auto& [key, node] : *first) {
                    SweepVariableSpec v;
                    v.name = std::string(key.str());
                    v.where = r_.where(key);
                    if (!is_variable_name(v.name)) r_.error(v.where, fmt::format("sweep variable '{}' is not a valid name", v.name));
                    if (auto s = scalar(node)) v.kind = s->first;
                    spec_.variables.push_back(std::move(v));
                }
                std::sort(spec_.variables.begin(), spec_.variables.end(), [](const auto& a, const auto& b) {
                    return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
                });
            }
        for (const toml::node& pn : *points) {
            const toml::table* pt = pn.as_table();
            if (!pt) {
                r_.error(pn, "each point must be a table such as { backlog = 30, cookies = 0 }");
                continue;
            }
            auto values = assignment(*pt, true, "point");
            if (values.size() != spec_.variables.size()) continue;
            SweepCell cell;
            for (auto& v : spec_.variables) {
                const record::SweepValue& value = values.at(v.name);
                cell.push_back(value);
                if (std::none_of(v.values.begin(), v.values.end(), [&](const auto& x) { return same_value(x, value); }))
                    v.values.push_back(value);
            }
            spec_.points.push_back(std::move(cell));
        }
    }

    void parse_zip() {
        const toml::array* zip = r_.array(t_, "zip", false);
        if (!zip) return;
        std::set<std::string> zipped;
        for (const toml::node& gn : *zip) {
            const toml::array* g = gn.as_array();
            if (!g || g->size() < 2) {
                r_.error(gn, "each zip group lists two or more variables: zip = [[\"delay\", \"gap\"]]");
                continue;
            }
            std::vector<std::string> group;
            std::size_t length = 0;
            for (const toml::node& n : *g) {
                auto name = n.value<std::string>();
                const SweepVariableSpec* v = name ? spec_.find(*name) : nullptr;
                if (!v) {
                    r_.error(n, fmt::format("zip: {} is not a variable of [sweep.vars]", name ? "'" + *name + "'" : "a non-string"));
                    continue;
                }
                if (!zipped.insert(*name).second) r_.error(n, fmt::format("zip: '{}' is in more than one group", *name));
                if (length && v->listed != length)
                    r_.error(n, fmt::format("zip: '{}' has {} values, '{}' has {}: variables that move together need as "
                                            "many values",
                                            *name, v->listed, group.front(), length));
                length = v->listed;
                group.push_back(*name);
            }
            if (group.size() >= 2) spec_.zip.push_back(std::move(group));
        }
    }

    void parse_exclude() {
        const toml::array* exclude = r_.array(t_, "exclude", false);
        if (!exclude) return;
        for (const toml::node& en : *exclude) {
            const toml::table* et = en.as_table();
            if (!et || et->empty()) {
                r_.error(en, "each exclusion must be a table such as { backlog = 1, cookies = 1 }");
                continue;
            }
            auto values = assignment(*et, false, "exclude");
            for (const auto& [name, value] : values) {
                const SweepVariableSpec* v = spec_.find(name);
                if (std::none_of(v->values.begin(), v->values.end(), [&](const auto& x) { return same_value(x, value); }))
                    r_.error(*et->get(name), fmt::format("exclude: '{}' never takes the value {}, so this excludes nothing",
                                                         name, value.text));
            }
            spec_.exclude.push_back(std::move(values));
        }
    }

    void parse_defaults() {
        std::map<std::string, record::SweepValue> given;
        if (const toml::table* d = r_.table(t_, "defaults", false)) given = assignment(*d, false, "defaults");
        for (const auto& v : spec_.variables) {
            if (auto it = given.find(v.name); it != given.end()) spec_.defaults.push_back(it->second);
            else if (!v.values.empty()) spec_.defaults.push_back(v.values.front());
        }
    }

    const toml::table& t_;
    TomlReader& r_;
    SweepSpec spec_;
};

std::uint64_t fnv1a(std::uint64_t h, std::string_view bytes) {
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 0x100000001b3ULL;
    }
    return h;
}

// How many cells the product of the variables makes (a zip group is one axis), before exclusions and
// points, and its factors ("backlog 101 × delay+gap 3"): counted, not made, so that a grid too big is
// refused with its size before anything is expanded. 0 when a variable only points give (no product).
std::pair<std::uint64_t, std::string> product_size(const SweepSpec& spec) {
    std::uint64_t cells = 1;
    std::string factors;
    std::set<std::string> placed;
    for (const auto& v : spec.variables) {
        if (placed.count(v.name)) continue;
        std::vector<std::string> axis{v.name};
        for (const auto& group : spec.zip)
            if (std::find(group.begin(), group.end(), v.name) != group.end()) axis = group;
        std::size_t length = v.listed;
        std::string names;
        for (const auto& name : axis) {
            placed.insert(name);
            if (const SweepVariableSpec* member = spec.find(name)) length = std::min(length, member->listed);
            names += (names.empty() ? "" : "+") + name;
        }
        if (__builtin_mul_overflow(cells, length, &cells)) cells = UINT64_MAX;
        factors += fmt::format("{}{} {}", factors.empty() ? "" : " × ", names, length);
    }
    return {cells, factors};
}

}  // namespace

const SweepVariableSpec* SweepSpec::find(const std::string& name) const {
    for (const auto& v : variables)
        if (v.name == name) return &v;
    return nullptr;
}

std::vector<record::SweepVariable> SweepSpec::axes() const {
    std::vector<record::SweepVariable> out;
    for (const auto& v : variables) {
        record::SweepVariable a;
        a.name = v.name;
        for (const auto& value : v.values) a.values.push_back(value.text);
        out.push_back(std::move(a));
    }
    return out;
}

std::optional<SweepSpec> parse_sweep_spec(const toml::table& root, TomlReader& reader, const std::string& scenario_name) {
    const toml::node* node = root.get("sweep");
    if (!node) return std::nullopt;
    const toml::table* t = node->as_table();
    if (!t) {
        reader.error(*node, "[sweep] must be a table");
        return std::nullopt;
    }
    return SweepParser(*t, reader, scenario_name).parse();
}

record::SweepGrid SweepSpec::grid() const {
    record::SweepGrid g;
    for (const auto& v : variables) g.listed.push_back(v.listed);
    g.zip = zip;
    for (const auto& p : points) {
        record::GridCell cell;
        for (const auto& v : p) cell.push_back(v.text);
        g.points.push_back(std::move(cell));
    }
    for (const auto& e : exclude) {
        std::map<std::string, std::string> partial;
        for (const auto& [name, value] : e) partial[name] = value.text;
        g.exclude.push_back(std::move(partial));
    }
    return g;
}

std::vector<SweepCell> expand_cells(const SweepSpec& spec, std::size_t max_cells) {
    const auto [product, factors] = product_size(spec);
    const std::string narrow = "narrow its variables (--var, --set, fewer values) or split it into several sweeps";
    if (product > max_cells)
        throw std::runtime_error(fmt::format("the product of the sweep's variables is {} cells ({}), more than the {} a "
                                             "sweep may have: {}",
                                             product == UINT64_MAX ? "over 10^19" : std::to_string(product), factors,
                                             max_cells, narrow));
    std::vector<record::GridCell> texts;
    try {
        texts = record::grid_cells(spec.axes(), spec.grid(), max_cells);
    } catch (const std::length_error&) {
        throw std::runtime_error(fmt::format("the product of the sweep's variables ({} cells) and its {} points make more "
                                             "than the {} cells a sweep may have: {}",
                                             product, spec.points.size(), max_cells, narrow));
    }
    // Back from texts to the values the scenario wrote (with their numbers).
    std::vector<SweepCell> cells;
    for (const auto& t : texts) {
        SweepCell cell;
        for (std::size_t i = 0; i < spec.variables.size(); ++i) {
            const auto& values = spec.variables[i].values;
            auto it = std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.text == t[i]; });
            cell.push_back(*it);
        }
        cells.push_back(std::move(cell));
    }
    return cells;
}

Parsed<record::SweepValue> sweep_value_from_text(const SweepVariableSpec& variable, std::string_view text) {
    record::SweepValue v;
    v.name = variable.name;
    v.text = std::string(text);
    auto bad = [&] { return ParseError{fmt::format("'{}' takes {}, not '{}'", variable.name, kind_plural(variable.kind), text)}; };
    switch (variable.kind) {
        case SweepValueKind::Integer: {
            std::int64_t i = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
            if (ec != std::errc{} || end != text.data() + text.size()) return bad();
            v.number = static_cast<double>(i);
            v.text = std::to_string(i);  // as TOML's 30 reads: "030" is the same cell, with the same id
            return v;
        }
        case SweepValueKind::Number: {
            double d = 0;
            auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
            if (ec != std::errc{} || end != text.data() + text.size()) return bad();
            v.number = d;
            v.text = fmt::format("{}", d);
            return v;
        }
        case SweepValueKind::Boolean:
            if (text != "true" && text != "false") return bad();
            v.number = text == "true" ? 1 : 0;
            return v;
        case SweepValueKind::Text:
            if (variable.name == kKernelVariable)
                if (auto problem = kernel_value_problem(text)) return ParseError{*problem};
            return v;
    }
    return bad();
}

Parsed<SweepCell> cell_with(const SweepSpec& spec, const std::map<std::string, std::string>& overrides) {
    SweepCell cell = spec.defaults;
    for (const auto& [name, text] : overrides) {
        const SweepVariableSpec* v = spec.find(name);
        if (!v) {
            std::string declared;
            for (const auto& d : spec.variables) declared += (declared.empty() ? "" : ", ") + d.name;
            return ParseError{fmt::format("{}: --set {}: not a variable of [sweep] (declared: {})", spec.where.str(),
                                          name, declared.empty() ? "none" : declared)};
        }
        auto value = sweep_value_from_text(*v, text);
        if (auto* e = std::get_if<ParseError>(&value))
            return ParseError{fmt::format("{}: --set {}={}: {}", v->where.str(), name, text, e->message)};
        for (auto& c : cell)
            if (c.name == name) c = std::get<record::SweepValue>(value);
    }
    return cell;
}

SweepCellIds::SweepCellIds(std::string_view scenario_text) : text_hash_(fnv1a(0xcbf29ce484222325ULL, scenario_text)) {}

std::string SweepCellIds::operator()(const SweepCell& cell) const {
    std::uint64_t h = text_hash_;
    for (const auto& v : cell) {
        h = fnv1a(h, std::string_view("\0", 1));
        h = fnv1a(h, v.name);
        h = fnv1a(h, "=");
        h = fnv1a(h, v.text);
    }
    return fmt::format("{:012x}", h & 0xffffffffffffULL);
}

std::string sweep_cell_id(std::string_view scenario_text, const SweepCell& cell) { return SweepCellIds(scenario_text)(cell); }

std::string describe_cell(const SweepCell& cell) {
    std::string out;
    for (const auto& v : cell) out += (out.empty() ? "" : " ") + v.name + "=" + v.text;
    return out;
}

}  // namespace lab::runner
