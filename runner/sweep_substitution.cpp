#include "runner/sweep_substitution.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <functional>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "runner/substitution.hpp"

namespace lab::runner {
namespace {

// An expression is quoted whole up to this length; a longer one (a generated file may hold one of any
// length, and a sweep checks it in every cell) only in part, so that a message stays one line.
constexpr std::size_t kQuotedWhole = 80;
constexpr std::size_t kExcerpt = 60;

bool utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// 'text' when it is short; else the excerpt of it that ends just after character `end` ('…' where it is
// cut), cut between UTF-8 characters. excerpt(text) is its beginning.
std::string excerpt(std::string_view text, std::size_t end = kExcerpt - 1) {
    if (text.size() <= kQuotedWhole) return fmt::format("'{}'", text);
    std::size_t stop = std::min(text.size(), std::max(end + 1, kExcerpt));
    while (stop < text.size() && utf8_continuation(text[stop])) ++stop;
    std::size_t begin = stop - kExcerpt;
    while (begin > 0 && utf8_continuation(text[begin])) ++begin;
    return fmt::format("'{}{}{}'", begin > 0 ? "…" : "", text.substr(begin, stop - begin), stop < text.size() ? "…" : "");
}

// Where a problem is: "at character N" in a text quoted whole. A long one is quoted up to the problem and
// no count is given, so that cells whose values differ in length before it still share one message.
std::string problem_at(std::string_view text, std::size_t at, const std::string& problem) {
    if (text.size() <= kQuotedWhole) return fmt::format("{}: {} at character {}", excerpt(text), problem, at + 1);
    return fmt::format("{}: {} where this excerpt of the expression ends", excerpt(text, at), problem);
}

// A name in an expression: its number, or the whole message saying why it has none.
using NameValue = std::function<Parsed<double>(std::string_view name)>;

// Recursive descent over one expression: logic := comparison (('&&'|'||') comparison)*; comparison :=
// sum (('=='|'!='|'<='|'>='|'<'|'>') sum)?; sum := product (('+'|'-') product)*; product := unary
// (('*'|'/') unary)*; unary := '-' unary | '(' logic ')' | name | number. A comparison is 1 when it holds,
// else 0. Names are there only when `name_value` is given (inside a ${sweep....} reference).
class Arithmetic {
public:
    explicit Arithmetic(std::string_view text, NameValue name_value = {}) : text_(text), name_value_(std::move(name_value)) {}

    Parsed<double> evaluate() {
        std::optional<double> v = logic();
        skip_space();
        if (v && pos_ != text_.size()) fail(fmt::format("unexpected '{}'", character_at(pos_)));
        if (name_error_) return *name_error_;
        if (!problem_.empty()) return ParseError{problem_at(text_, pos_, problem_)};
        if (!std::isfinite(*v)) return ParseError{fmt::format("{} is not a finite number", excerpt(text_))};
        return *v;
    }

private:
    void skip_space() {
        while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    }
    bool take(char c) {
        skip_space();
        if (pos_ < text_.size() && text_[pos_] == c) {
            ++pos_;
            return true;
        }
        return false;
    }
    // The character at `at`, whole when it takes several bytes (UTF-8), for messages.
    std::string_view character_at(std::size_t at) const {
        std::size_t end = at + 1;
        while (end < text_.size() && utf8_continuation(text_[end])) ++end;
        return text_.substr(at, end - at);
    }
    std::optional<double> fail(std::string why) {
        if (problem_.empty()) problem_ = std::move(why);
        return std::nullopt;
    }

    bool take(std::string_view op) {
        skip_space();
        if (text_.substr(pos_, op.size()) != op) return false;
        pos_ += op.size();
        return true;
    }

    std::optional<double> logic() {
        std::optional<double> v = comparison();
        while (v) {
            const bool both = take("&&");
            if (!both && !take("||")) break;
            auto r = comparison();
            if (!r) return r;
            v = both ? double(*v != 0 && *r != 0) : double(*v != 0 || *r != 0);
        }
        return v;
    }

    std::optional<double> comparison() {
        std::optional<double> v = sum();
        if (!v) return v;
        for (std::string_view op : {"==", "!=", "<=", ">=", "<", ">"}) {
            if (!take(op)) continue;
            auto r = sum();
            if (!r) return r;
            if (op == "==") return double(*v == *r);
            if (op == "!=") return double(*v != *r);
            if (op == "<=") return double(*v <= *r);
            if (op == ">=") return double(*v >= *r);
            if (op == "<") return double(*v < *r);
            return double(*v > *r);
        }
        return v;
    }

    std::optional<double> sum() {
        std::optional<double> v = product();
        while (v) {
            if (take('+')) {
                auto r = product();
                if (!r) return r;
                *v += *r;
            } else if (take('-')) {
                auto r = product();
                if (!r) return r;
                *v -= *r;
            } else {
                break;
            }
        }
        return v;
    }

    std::optional<double> product() {
        std::optional<double> v = unary();
        while (v) {
            if (take('*')) {
                auto r = unary();
                if (!r) return r;
                *v *= *r;
            } else if (take('/')) {
                auto r = unary();
                if (!r) return r;
                if (*r == 0) return fail("division by zero");
                *v /= *r;
            } else {
                break;
            }
        }
        return v;
    }

    std::optional<double> unary() {
        if (++depth_ > 64) return fail("nested too deeply");
        std::optional<double> v;
        if (take('-')) {
            v = unary();
            if (v) v = -*v;
        } else if (take('(')) {
            v = logic();
            if (v && !take(')')) v = fail("missing ')'");
        } else if (name_value_ && pos_ < text_.size() && text_[pos_] >= 'a' && text_[pos_] <= 'z') {
            v = name();
        } else {
            v = number();
        }
        --depth_;
        return v;
    }

    std::optional<double> name() {
        const std::size_t start = pos_;
        while (pos_ < text_.size() && ((text_[pos_] >= 'a' && text_[pos_] <= 'z') ||
                                       std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
            ++pos_;
        Parsed<double> value = name_value_(text_.substr(start, pos_ - start));
        if (auto* e = std::get_if<ParseError>(&value)) {
            if (!name_error_) name_error_ = *e;
            return fail(e->message);
        }
        return std::get<double>(value);
    }

    std::optional<double> number() {
        skip_space();
        const std::size_t start = pos_;
        while (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.')) ++pos_;
        if (start == pos_) return fail(pos_ < text_.size() ? fmt::format("expected a number, not '{}'", character_at(pos_))
                                                            : std::string("expected a number"));
        double v = 0;
        auto [end, ec] = std::from_chars(text_.data() + start, text_.data() + pos_, v);
        if (ec != std::errc{} || end != text_.data() + pos_) {
            pos_ = start;
            return fail(fmt::format("'{}' is not a number", text_.substr(start, pos_ - start)));
        }
        return v;
    }

    std::string_view text_;
    NameValue name_value_;
    std::size_t pos_ = 0;
    int depth_ = 0;
    std::string problem_;
    std::optional<ParseError> name_error_;  // said whole, not as a problem at a character
};

// The text of a reference's inside, after "sweep.": a variable's name gives its value as written; anything
// else is worked out as arithmetic in which names stand for the variables' numbers ("backlog + 10"). A
// problem is said of the reference as written, not of the cell's numbers in it, so that every cell with it
// says it alike and the sweep's plan says it once.
Parsed<std::string> reference_value(std::string_view inside, const std::vector<record::SweepValue>& cell) {
    auto is_name_char = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; };
    auto find = [&](std::string_view name) -> const record::SweepValue* {
        for (const auto& v : cell)
            if (v.name == name) return &v;
        return nullptr;
    };
    auto unknown = [&](std::string_view name) {
        std::string declared;
        for (const auto& v : cell) declared += (declared.empty() ? "" : ", ") + v.name;
        return ParseError{fmt::format("{} names no variable of [sweep] ({})", excerpt(fmt::format("${{sweep.{}}}", name)),
                                      declared.empty() ? "the scenario declares none" : "declared: " + declared)};
    };
    if (!inside.empty() && std::all_of(inside.begin(), inside.end(), is_name_char) && !std::isdigit(static_cast<unsigned char>(inside[0]))) {
        if (const auto* v = find(inside)) return v->text;
        return unknown(inside);
    }
    const std::string reference = fmt::format("${{sweep.{}}}", inside);
    auto value = Arithmetic(inside, [&](std::string_view name) -> Parsed<double> {
                     const auto* v = find(name);
                     if (!v) return unknown(name);
                     if (!v->number)
                         return ParseError{fmt::format("{}: '{}' is not a number ({}), so it cannot be worked with",
                                                       excerpt(reference), name, v->text)};
                     return *v->number;
                 }).evaluate();
    if (auto* e = std::get_if<ParseError>(&value)) {
        if (e->message.starts_with("'${sweep.")) return *e;  // a name's problem, said of the reference already
        return ParseError{fmt::format("{}: {}", excerpt(reference), e->message)};
    }
    const double d = std::get<double>(value);
    if (d == std::floor(d) && std::abs(d) < 9e15) return fmt::format("{}", static_cast<long long>(d));
    return fmt::format("{}", d);
}

}  // namespace

bool mentions_sweep(std::string_view text) {
    try {
        for (const auto& p : split_references(text))
            if (p.kind == TextPiece::Kind::Reference && p.name.starts_with(kSweepReferencePrefix)) return true;
    } catch (const std::invalid_argument&) {
        return text.find("${" + std::string(kSweepReferencePrefix)) != std::string_view::npos;  // substitute_sweep says what is wrong
    }
    return false;
}

Parsed<std::string> substitute_sweep(std::string_view text, const std::vector<record::SweepValue>& cell) {
    std::vector<TextPiece> pieces;
    try {
        pieces = split_references(text);
    } catch (const std::invalid_argument& e) {
        return ParseError{e.what()};
    }
    std::string out;
    for (const auto& p : pieces) {
        // Escapes and other references are the plan's, later: they stay as written.
        if (p.kind != TextPiece::Kind::Reference || !p.name.starts_with(kSweepReferencePrefix)) {
            out += p.text;
            continue;
        }
        auto value = reference_value(p.name.substr(kSweepReferencePrefix.size()), cell);
        if (auto* e = std::get_if<ParseError>(&value)) return *e;
        out += std::get<std::string>(value);
    }
    return out;
}

Parsed<double> evaluate_arithmetic(std::string_view text) { return Arithmetic(text).evaluate(); }

}  // namespace lab::runner
