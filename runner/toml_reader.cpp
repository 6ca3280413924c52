#include "runner/toml_reader.hpp"

#include <algorithm>

#include <cmath>

#include <fmt/format.h>

#include "runner/sweep_substitution.hpp"

#include "common/printable.hpp"

namespace lab::runner {
namespace {

const char* type_name(toml::node_type t) {
    switch (t) {
        case toml::node_type::table: return "a table";
        case toml::node_type::array: return "an array";
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a number";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::date:
        case toml::node_type::time:
        case toml::node_type::date_time: return "a date/time";
        default: return "nothing";
    }
}

}  // namespace

std::optional<std::string> TomlReader::filled(const toml::node& n) {
    const std::string text = n.value<std::string>().value_or("");
    if (!mentions_sweep(text)) return text;
    if (!cell_) {
        error(n, fmt::format("'{}' refers to a sweep variable, but the scenario has no [sweep] table", text));
        return std::nullopt;
    }
    auto out = substitute_sweep(text, *cell_);
    if (auto* e = std::get_if<ParseError>(&out)) {
        error(n, e->message);
        return std::nullopt;
    }
    return std::get<std::string>(out);
}

std::optional<double> TomlReader::worked_out(const toml::node& n, std::string_view key) {
    auto text = filled(n);
    if (!text) return std::nullopt;
    auto v = evaluate_arithmetic(*text);
    if (auto* e = std::get_if<ParseError>(&v)) {
        error(n, fmt::format("'{}' must be a number: {}", key, e->message));
        return std::nullopt;
    }
    return std::get<double>(v);
}

SourceLocation TomlReader::where(const toml::source_region& r) const {
    return SourceLocation{file_, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}
SourceLocation TomlReader::where(const toml::node& node) const { return where(node.source()); }
SourceLocation TomlReader::where(const toml::key& key) const { return where(key.source()); }

// Messages quote the file's names and values: whatever they hold, a diagnostic stays one printable line.
void TomlReader::error(const SourceLocation& at, std::string message) {
    diagnostics_.push_back(printable(fmt::format("{}: {}", at.str(), message)));
}

void TomlReader::reject_unknown_keys(const toml::table& table, std::span<const std::string_view> allowed,
                                     std::string_view context) {
    for (const auto& [key, value] : table) {
        if (std::find(allowed.begin(), allowed.end(), key.str()) != allowed.end()) continue;
        std::string known;
        for (auto a : allowed) known += (known.empty() ? "" : ", ") + std::string(a);
        error(where(key), fmt::format("unknown key '{}' in {} (known: {})", key.str(), context, known));
    }
}

std::optional<std::string> TomlReader::string(const toml::table& t, std::string_view key, bool required) {
    const toml::node* n = t.get(key);
    if (!n) {
        if (required) error(t, fmt::format("missing required key '{}'", key));
        return std::nullopt;
    }
    if (n->is_string()) return filled(*n);
    error(*n, fmt::format("'{}' must be a string, not {}", key, type_name(n->type())));
    return std::nullopt;
}

std::optional<bool> TomlReader::boolean(const toml::table& t, std::string_view key, bool required) {
    const toml::node* n = t.get(key);
    if (!n) {
        if (required) error(t, fmt::format("missing required key '{}'", key));
        return std::nullopt;
    }
    if (n->is_boolean()) return *n->value<bool>();
    error(*n, fmt::format("'{}' must be true or false, not {}", key, type_name(n->type())));
    return std::nullopt;
}

std::optional<std::int64_t> TomlReader::integer(const toml::table& t, std::string_view key, bool required,
                                                std::int64_t min, std::int64_t max) {
    const toml::node* n = t.get(key);
    if (!n) {
        if (required) error(t, fmt::format("missing required key '{}'", key));
        return std::nullopt;
    }
    std::int64_t v = 0;
    if (n->is_integer()) {
        v = *n->value<std::int64_t>();
    } else if (n->is_string() && mentions_sweep(*n->value<std::string>())) {
        auto d = worked_out(*n, key);
        if (!d) return std::nullopt;
        if (*d != std::floor(*d) || std::abs(*d) > 9e15) {
            error(*n, fmt::format("'{}' works out to {} in this cell, not an integer", key, *d));
            return std::nullopt;
        }
        v = static_cast<std::int64_t>(*d);
    } else {
        error(*n, fmt::format("'{}' must be an integer, not {}", key, type_name(n->type())));
        return std::nullopt;
    }
    if (v < min || v > max) {
        error(*n, fmt::format("'{}' = {} is out of range [{}, {}]", key, v, min, max));
        return std::nullopt;
    }
    return v;
}

std::optional<double> TomlReader::number(const toml::table& t, std::string_view key) {
    const toml::node* n = t.get(key);
    if (!n) return std::nullopt;
    return number_at(*n, key);
}

std::optional<double> TomlReader::number_at(const toml::node& n, std::string_view what) {
    if (n.is_integer()) return static_cast<double>(*n.value<std::int64_t>());
    if (n.is_floating_point()) return *n.value<double>();
    if (n.is_string() && mentions_sweep(*n.value<std::string>())) return worked_out(n, what);
    error(n, fmt::format("'{}' must be a number, not {}", what, type_name(n.type())));
    return std::nullopt;
}

std::optional<Duration> TomlReader::duration(const toml::table& t, std::string_view key, bool required) {
    const toml::node* n = t.get(key);
    if (!n) {
        if (required) error(t, fmt::format("missing required key '{}'", key));
        return std::nullopt;
    }
    if (!n->is_string()) {
        error(*n, fmt::format("'{}' must be a duration string such as \"250ms\" or \"2s\", not {}", key,
                              type_name(n->type())));
        return std::nullopt;
    }
    auto text = filled(*n);
    if (!text) return std::nullopt;
    auto parsed = parse_duration(*text);
    if (auto* e = std::get_if<ParseError>(&parsed)) {
        error(*n, fmt::format("'{}': {}", key, e->message));
        return std::nullopt;
    }
    return std::get<Duration>(parsed);
}

const toml::table* TomlReader::table(const toml::table& t, std::string_view key, bool required) {
    const toml::node* n = t.get(key);
    if (!n) {
        if (required) error(t, fmt::format("missing required table '{}'", key));
        return nullptr;
    }
    if (const toml::table* tt = n->as_table()) return tt;
    error(*n, fmt::format("'{}' must be a table, not {}", key, type_name(n->type())));
    return nullptr;
}

const toml::array* TomlReader::array(const toml::table& t, std::string_view key, bool required) {
    const toml::node* n = t.get(key);
    if (!n) {
        if (required) error(t, fmt::format("missing required array '{}'", key));
        return nullptr;
    }
    if (const toml::array* a = n->as_array()) return a;
    error(*n, fmt::format("'{}' must be an array, not {}", key, type_name(n->type())));
    return nullptr;
}

std::vector<std::string> TomlReader::strings(const toml::table& t, std::string_view key) {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    if (n->is_string()) {
        if (auto text = filled(*n)) out.push_back(*text);
        return out;
    }
    if (const toml::array* a = n->as_array()) {
        for (const toml::node& item : *a) {
            if (item.is_string()) {
                if (auto text = filled(item)) out.push_back(*text);
            } else {
                error(item, fmt::format("'{}' items must be strings, not {}", key, type_name(item.type())));
            }
        }
        return out;
    }
    error(*n, fmt::format("'{}' must be a string or an array of strings, not {}", key, type_name(n->type())));
    return out;
}

std::optional<std::string> TomlReader::scalar_text(const toml::node& node, std::string_view what) {
    if (node.is_string()) return filled(node);
    if (node.is_integer()) return std::to_string(*node.value<std::int64_t>());
    if (node.is_boolean()) return *node.value<bool>() ? "1" : "0";
    error(node, fmt::format("{} must be an integer, a boolean or a string, not {}", what, type_name(node.type())));
    return std::nullopt;
}

}  // namespace lab::runner
