#include "runner/sweep_substitution.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "runner/substitution.hpp"

namespace lab::runner {
namespace {

// Recursive descent over one expression: logic := comparison (('&&'|'||') comparison)*; comparison :=
// sum (('=='|'!='|'<='|'>='|'<'|'>') sum)?; sum := product (('+'|'-') product)*; product := unary
// (('*'|'/') unary)*; unary := '-' unary | '(' logic ')' | number. A comparison is 1 when it holds, else 0.
class Arithmetic {
public:
    explicit Arithmetic(std::string_view text) : text_(text) {}

    Parsed<double> evaluate() {
        std::optional<double> v = logic();
        skip_space();
        if (v && pos_ != text_.size()) fail(fmt::format("unexpected '{}'", text_.substr(pos_, 1)));
        if (!problem_.empty()) return ParseError{fmt::format("'{}': {} at character {}", text_, problem_, pos_ + 1)};
        if (!std::isfinite(*v)) return ParseError{fmt::format("'{}' is not a finite number", text_)};
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
        } else {
            v = number();
        }
        --depth_;
        return v;
    }

    std::optional<double> number() {
        skip_space();
        const std::size_t start = pos_;
        while (pos_ < text_.size() && (std::isdigit(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '.')) ++pos_;
        if (start == pos_) return fail(pos_ < text_.size() ? fmt::format("expected a number, not '{}'", text_.substr(pos_, 1))
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
    std::size_t pos_ = 0;
    int depth_ = 0;
    std::string problem_;
};

// The text of a reference's inside, after "sweep.": a variable's name gives its value as written; anything
// else is worked out as arithmetic in which names stand for the variables' numbers ("backlog + 10").
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
        return ParseError{fmt::format("'${{sweep.{}}}' names no variable of [sweep] ({})", name,
                                      declared.empty() ? "the scenario declares none" : "declared: " + declared)};
    };
    if (!inside.empty() && std::all_of(inside.begin(), inside.end(), is_name_char) && !std::isdigit(static_cast<unsigned char>(inside[0]))) {
        if (const auto* v = find(inside)) return v->text;
        return unknown(inside);
    }
    std::string expression;
    for (std::size_t i = 0; i < inside.size();) {
        const char c = inside[i];
        if (c >= 'a' && c <= 'z') {
            std::size_t end = i;
            while (end < inside.size() && is_name_char(inside[end])) ++end;
            const std::string_view name = inside.substr(i, end - i);
            const auto* v = find(name);
            if (!v) return unknown(name);
            if (!v->number)
                return ParseError{fmt::format("'${{sweep.{}}}': '{}' is not a number ({}), so it cannot be worked with",
                                              inside, name, v->text)};
            expression += fmt::format("({})", *v->number);
            i = end;
        } else {
            expression += c;
            ++i;
        }
    }
    auto value = evaluate_arithmetic(expression);
    if (auto* e = std::get_if<ParseError>(&value))
        return ParseError{fmt::format("'${{sweep.{}}}': {}", inside, e->message)};
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
