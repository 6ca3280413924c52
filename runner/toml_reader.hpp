#pragma once
// Typed access to a parsed TOML document that never throws on bad input: every problem becomes a
// diagnostic "file:line:column: message" and parsing goes on, so one run of `lab validate` shows
// every mistake in a file at once, as a compiler does.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "common/units.hpp"
#include "record/run_record.hpp"
#include "runner/scenario.hpp"

namespace lab::runner {

class TomlReader {
public:
    explicit TomlReader(std::string file) : file_(std::move(file)) {}

    SourceLocation where(const toml::node& node) const;
    SourceLocation where(const toml::key& key) const;
    SourceLocation where(const toml::source_region& region) const;

    void error(const SourceLocation& at, std::string message);
    void error(const toml::node& node, std::string message) { error(where(node), std::move(message)); }
    const std::vector<std::string>& diagnostics() const { return diagnostics_; }

    // Reports every key of `table` not in `allowed`, naming `context` ("[[steps]]", "run").
    void reject_unknown_keys(const toml::table& table, std::span<const std::string_view> allowed,
                             std::string_view context);
    void reject_unknown_keys(const toml::table& table, std::initializer_list<std::string_view> allowed,
                             std::string_view context) {
        reject_unknown_keys(table, std::span<const std::string_view>(allowed.begin(), allowed.size()), context);
    }

    // Typed getters: a missing optional key gives nullopt silently; a missing required key or a value of
    // the wrong type is reported at the table or value and gives nullopt.
    std::optional<std::string> string(const toml::table& t, std::string_view key, bool required);
    std::optional<bool> boolean(const toml::table& t, std::string_view key, bool required);
    std::optional<std::int64_t> integer(const toml::table& t, std::string_view key, bool required,
                                        std::int64_t min, std::int64_t max);
    std::optional<double> number(const toml::table& t, std::string_view key);
    std::optional<Duration> duration(const toml::table& t, std::string_view key, bool required);
    const toml::table* table(const toml::table& t, std::string_view key, bool required);
    const toml::array* array(const toml::table& t, std::string_view key, bool required);
    // A string or an array of strings ("state = 'listen'" or "state = ['established', 'syn-recv']").
    std::vector<std::string> strings(const toml::table& t, std::string_view key);

    // A scalar as the text /proc/sys or a table cell would show it (42, "4096 87380 6291456", true → 1).
    std::optional<std::string> scalar_text(const toml::node& node, std::string_view what);
    // A number at a node: a TOML number, or a string worked out for the sweep cell ("${sweep.b} + 1").
    std::optional<double> number_at(const toml::node& node, std::string_view what);

    // The sweep cell being parsed: every ${sweep.NAME} in a string value reads from it, and where a number
    // or a duration is expected a string may stand that works out to one in the cell ("${sweep.backlog}",
    // "${sweep.backlog} + 1", "${sweep.gap_ms}ms"). Without a cell such a reference is an error.
    void set_sweep_cell(const std::vector<record::SweepValue>* cell) { cell_ = cell; }

    const std::string& file() const { return file_; }

private:
    // The string at n with the cell's values filled in; reports a bad reference at n.
    std::optional<std::string> filled(const toml::node& n);
    // A string at n that must work out to a number in this cell; nullopt (reported) when it does not.
    std::optional<double> worked_out(const toml::node& n, std::string_view key);

    std::string file_;
    std::vector<std::string> diagnostics_;
    const std::vector<record::SweepValue>* cell_ = nullptr;
};

}  // namespace lab::runner
