#include "analysis/kernel_version.hpp"

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <utility>

#include <fmt/format.h>

namespace lab::analysis {
namespace {

std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads "N(.N)*" from the front of `s`; `used` says how many characters it took.
Parsed<KernelVersion> read_dotted(std::string_view s, std::size_t& used) {
    KernelVersion v;
    std::size_t i = 0;
    while (true) {
        if (i >= s.size() || !is_digit(s[i])) {
            if (v.parts.empty()) return ParseError{"a version starts with a number"};
            return ParseError{fmt::format("a number is missing after '{}'", s.substr(0, i))};
        }
        int part = 0;
        auto [end, ec] = std::from_chars(s.data() + i, s.data() + s.size(), part);
        if (ec != std::errc{}) return ParseError{fmt::format("'{}' is too large for a version number", s.substr(i))};
        v.parts.push_back(part);
        i = static_cast<std::size_t>(end - s.data());
        // A dot continues the version only when a number follows: "4.4." is a typo, "4.4-rc1" ends at the dash.
        if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) {
            ++i;
            continue;
        }
        if (i < s.size() && s[i] == '.' && i + 1 == s.size())
            return ParseError{fmt::format("a number is missing after '{}'", s)};
        break;
    }
    used = i;
    return v;
}

// Longest operators first, so that ">=" is not read as ">" followed by "=4.4".
constexpr std::pair<std::string_view, KernelOp> kOps[] = {
    {">=", KernelOp::GreaterEqual}, {"<=", KernelOp::LessEqual}, {"==", KernelOp::Equal},
    {"!=", KernelOp::NotEqual},     {">", KernelOp::Greater},    {"<", KernelOp::Less},
    {"=", KernelOp::Equal},
};

Parsed<KernelClause> parse_clause(std::string_view text) {
    KernelClause clause;
    std::string_view rest;
    bool found = false;
    for (const auto& [spelling, op] : kOps) {
        if (text.starts_with(spelling)) {
            clause.op = op;
            rest = trim_blanks(text.substr(spelling.size()));
            found = true;
            break;
        }
    }
    if (!found) return ParseError{fmt::format("'{}' needs a comparison first (>=, >, <=, <, =, !=)", text)};
    std::size_t used = 0;
    auto version = read_dotted(rest, used);
    if (failed(version))
        return ParseError{fmt::format("'{}': {}", text, std::get<ParseError>(version).message)};
    if (used != rest.size())
        return ParseError{fmt::format("'{}': unexpected '{}' after the version", text, rest.substr(used))};
    clause.version = std::move(std::get<KernelVersion>(version));
    return clause;
}

bool same_series(const KernelVersion& written, const KernelVersion& v) {
    for (std::size_t i = 0; i < written.parts.size(); ++i) {
        int have = i < v.parts.size() ? v.parts[i] : 0;
        if (have != written.parts[i]) return false;
    }
    return true;
}

}  // namespace

Parsed<KernelVersion> parse_kernel_version(std::string_view release) {
    std::size_t used = 0;
    auto v = read_dotted(trim_blanks(release), used);
    if (failed(v))
        return ParseError{fmt::format("kernel release '{}' does not start with a version number", release)};
    return v;
}

std::string to_string(const KernelVersion& v) { return fmt::format("{}", fmt::join(v.parts, ".")); }

int compare(const KernelVersion& a, const KernelVersion& b) {
    std::size_t n = std::max(a.parts.size(), b.parts.size());
    for (std::size_t i = 0; i < n; ++i) {
        int x = i < a.parts.size() ? a.parts[i] : 0;
        int y = i < b.parts.size() ? b.parts[i] : 0;
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

bool KernelCondition::admits(const KernelVersion& v) const {
    for (const KernelClause& c : clauses) {
        int cmp = compare(v, c.version);
        bool ok = false;
        switch (c.op) {
            case KernelOp::Less: ok = cmp < 0; break;
            case KernelOp::LessEqual: ok = cmp <= 0; break;
            case KernelOp::Greater: ok = cmp > 0; break;
            case KernelOp::GreaterEqual: ok = cmp >= 0; break;
            case KernelOp::Equal: ok = same_series(c.version, v); break;
            case KernelOp::NotEqual: ok = !same_series(c.version, v); break;
        }
        if (!ok) return false;
    }
    return true;
}

Parsed<KernelCondition> parse_kernel_condition(std::string_view text) {
    KernelCondition cond;
    if (trim_blanks(text).empty()) return ParseError{"the kernel condition is empty"};
    std::size_t from = 0;
    while (true) {
        std::size_t comma = text.find(',', from);
        std::string_view piece = trim_blanks(text.substr(from, comma == std::string_view::npos ? text.npos : comma - from));
        if (piece.empty()) return ParseError{fmt::format("'{}' has an empty clause between commas", text)};
        auto clause = parse_clause(piece);
        if (failed(clause)) return std::get<ParseError>(clause);
        cond.clauses.push_back(std::move(std::get<KernelClause>(clause)));
        if (comma == std::string_view::npos) break;
        from = comma + 1;
    }
    return cond;
}

}  // namespace lab::analysis
