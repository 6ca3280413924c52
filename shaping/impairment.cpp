#include "shaping/impairment.hpp"

#include <cmath>
#include <cstdlib>
#include <set>
#include <sstream>
#include <vector>

#include "common/text_fields.hpp"

namespace lab::shaping {
namespace {

std::optional<double> parse_number(std::string_view text, std::string_view* unit) {
    std::size_t i = 0;
    bool digits = false, dot = false;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (c >= '0' && c <= '9') digits = true;
        else if (c == '.' && !dot) dot = true;
        else break;
    }
    if (!digits) return std::nullopt;
    double v = std::strtod(std::string(text.substr(0, i)).c_str(), nullptr);
    if (!std::isfinite(v)) return std::nullopt;
    *unit = trim(text.substr(i));
    return v;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

// "0.5" -> "0.5", "1" -> "1": percentages and rates print without trailing zeros.
std::string trimmed_number(double v) {
    std::ostringstream out;
    out.precision(12);
    out << v;
    return out.str();
}

std::string format_percent(double probability) { return trimmed_number(probability * 100.0) + "%"; }

std::string_view distribution_name(JitterDistribution d) {
    switch (d) {
        case JitterDistribution::Uniform: return "uniform";
        case JitterDistribution::Normal: return "normal";
        case JitterDistribution::Pareto: return "pareto";
    }
    return "uniform";
}

std::optional<bool> parse_bool(std::string_view text) {
    std::string t = lower(text);
    if (t == "on" || t == "true" || t == "1" || t == "yes") return true;
    if (t == "off" || t == "false" || t == "0" || t == "no") return false;
    return std::nullopt;
}

// One item "name=value" applied to `out`; the error text is prefixed with the item by the caller.
std::optional<std::string> apply_item(Impairment& out, std::string_view name, std::string_view value, bool has_value) {
    auto need_value = [&]() -> std::optional<std::string> {
        if (!has_value || value.empty()) return std::string("needs a value");
        return std::nullopt;
    };
    auto percent_into = [&](double& field) -> std::optional<std::string> {
        if (auto e = need_value()) return e;
        auto p = parse_percent(value);
        if (failed(p)) return std::get<ParseError>(p).message;
        field = std::get<double>(p);
        return std::nullopt;
    };
    if (name == "delay") {
        if (auto e = need_value()) return e;
        auto d = parse_duration(value);
        if (failed(d)) return std::get<ParseError>(d).message;
        out.delay = std::get<Duration>(d);
    } else if (name == "jitter") {
        if (auto e = need_value()) return e;
        auto parts = split_trimmed(value, ':');
        if (parts.size() > 2) return std::string("expected DURATION or DURATION:uniform|normal|pareto");
        auto d = parse_duration(parts[0]);
        if (failed(d)) return std::get<ParseError>(d).message;
        out.jitter = std::get<Duration>(d);
        out.distribution = JitterDistribution::Uniform;
        if (parts.size() == 2) {
            std::string dist = lower(parts[1]);
            if (dist == "uniform") out.distribution = JitterDistribution::Uniform;
            else if (dist == "normal") out.distribution = JitterDistribution::Normal;
            else if (dist == "pareto") out.distribution = JitterDistribution::Pareto;
            else return "unknown distribution '" + std::string(parts[1]) + "' (use uniform, normal or pareto)";
        }
    } else if (name == "loss") {
        if (auto e = need_value()) return e;
        auto parts = split_trimmed(value, ':');
        std::string model = lower(parts[0]);
        if (model == "gemodel" || model == "ge") {
            if (parts.size() < 2 || parts.size() > 5) return std::string("expected gemodel:P[:R[:1-H[:1-K]]]");
            GilbertElliott ge;
            double* fields[] = {&ge.p, &ge.r, &ge.one_minus_h, &ge.one_minus_k};
            for (std::size_t i = 1; i < parts.size(); ++i) {
                auto p = parse_percent(parts[i]);
                if (failed(p)) return std::get<ParseError>(p).message;
                *fields[i - 1] = std::get<double>(p);
            }
            // netem's defaults for the parameters left out: r = 1 - p, 1-h = 100%, 1-k = 0%.
            if (parts.size() < 3) ge.r = 1.0 - ge.p;
            out.gemodel = ge;
            out.loss = 0;
        } else {
            if (parts.size() != 1) return std::string("expected PERCENT or gemodel:P[:R[:1-H[:1-K]]]");
            auto p = parse_percent(value);
            if (failed(p)) return std::get<ParseError>(p).message;
            out.loss = std::get<double>(p);
            out.gemodel.reset();
        }
    } else if (name == "duplicate") {
        return percent_into(out.duplicate);
    } else if (name == "reorder") {
        return percent_into(out.reorder);
    } else if (name == "corrupt") {
        return percent_into(out.corrupt);
    } else if (name == "rate") {
        if (auto e = need_value()) return e;
        auto r = parse_rate(value);
        if (failed(r)) return std::get<ParseError>(r).message;
        out.rate_bps = std::get<std::uint64_t>(r);
    } else if (name == "limit") {
        if (auto e = need_value()) return e;
        std::string_view unit;
        auto n = parse_number(value, &unit);
        if (!n || !unit.empty() || *n != std::floor(*n) || *n < 1 || *n > 1e7)
            return std::string("expected a whole number of frames between 1 and 10000000");
        out.limit = static_cast<std::uint32_t>(*n);
    } else if (name == "blackhole") {
        if (!has_value) {
            out.blackhole = true;
        } else {
            auto b = parse_bool(value);
            if (!b) return std::string("expected on, off, true or false");
            out.blackhole = *b;
        }
    } else {
        return std::string(
            "unknown item (use delay, jitter, loss, duplicate, reorder, corrupt, rate, limit, blackhole)");
    }
    return std::nullopt;
}

}  // namespace

Parsed<double> parse_percent(std::string_view text) {
    text = trim(text);
    std::string_view unit;
    auto v = parse_number(text, &unit);
    if (!v || unit != "%") return ParseError{"'" + std::string(text) + "' is not a percentage (expected e.g. \"1%\", \"0.5%\")"};
    if (*v > 100.0) return ParseError{"percentage '" + std::string(text) + "' must be between 0% and 100%"};
    return *v / 100.0;
}

Parsed<std::uint64_t> parse_rate(std::string_view text) {
    text = trim(text);
    std::string_view unit;
    auto v = parse_number(text, &unit);
    if (!v) return ParseError{"'" + std::string(text) + "' is not a rate (expected e.g. \"10mbit\", \"1gbit\")"};
    std::string u = lower(unit);
    double scale = 0;
    if (u == "bit") scale = 1;
    else if (u == "kbit") scale = 1e3;
    else if (u == "mbit") scale = 1e6;
    else if (u == "gbit") scale = 1e9;
    else if (u == "tbit") scale = 1e12;
    else
        // tc reads "bps" as bytes per second, people as bits: neither is accepted, to avoid a factor 8.
        return ParseError{"rate '" + std::string(text) + "' has unknown unit '" + std::string(unit) +
                          "' (use bit, kbit, mbit, gbit or tbit)"};
    double bps = *v * scale;
    if (bps < 1) return ParseError{"rate '" + std::string(text) + "' must be at least 1bit"};
    if (bps > 1e15) return ParseError{"rate '" + std::string(text) + "' is too high"};
    return static_cast<std::uint64_t>(std::llround(bps));
}

std::string format_rate(std::uint64_t bps) {
    if (bps >= 1'000'000'000 && bps % 1'000'000 == 0) return trimmed_number(static_cast<double>(bps) / 1e9) + "gbit";
    if (bps >= 1'000'000 && bps % 1'000 == 0) return trimmed_number(static_cast<double>(bps) / 1e6) + "mbit";
    if (bps >= 1'000) return trimmed_number(static_cast<double>(bps) / 1e3) + "kbit";
    return std::to_string(bps) + "bit";
}

Parsed<Impairment> parse_impairment_onto(Impairment base, std::string_view text) {
    text = trim(text);
    if (text.empty() || lower(text) == "none") return validate_impairment(base) ? Parsed<Impairment>(ParseError{*validate_impairment(base)}) : base;
    std::set<std::string> seen;
    for (std::string_view item : split_trimmed(text, ',')) {
        if (item.empty()) return ParseError{"empty item in '" + std::string(text) + "'"};
        std::size_t eq = item.find('=');
        std::string name = lower(trim(item.substr(0, eq)));
        std::string_view value = eq == std::string_view::npos ? std::string_view{} : trim(item.substr(eq + 1));
        if (!seen.insert(name).second) return ParseError{"'" + name + "' is given twice"};
        if (auto error = apply_item(base, name, value, eq != std::string_view::npos))
            return ParseError{std::string(item) + ": " + *error};
    }
    if (auto error = validate_impairment(base)) return ParseError{*error};
    return base;
}

std::optional<std::string> validate_impairment(const Impairment& m) {
    auto probability = [](double p) { return p >= 0.0 && p <= 1.0; };
    if (m.delay.count() < 0) return "delay must not be negative";
    if (m.jitter.count() < 0) return "jitter must not be negative";
    if (!probability(m.loss)) return "loss must be between 0% and 100%";
    if (!probability(m.duplicate)) return "duplicate must be between 0% and 100%";
    if (!probability(m.reorder)) return "reorder must be between 0% and 100%";
    if (!probability(m.corrupt)) return "corrupt must be between 0% and 100%";
    if (m.gemodel) {
        const auto& g = *m.gemodel;
        if (!probability(g.p) || !probability(g.r) || !probability(g.one_minus_h) || !probability(g.one_minus_k))
            return "loss=gemodel: every parameter must be between 0% and 100%";
        if (m.loss != 0) return "loss: give either a percentage or gemodel, not both";
    }
    if (m.reorder > 0 && m.delay.count() == 0)
        return "reorder: needs delay > 0 (reordered frames are the ones that skip the delay)";
    if (m.limit < 1) return "limit: must be at least 1 frame";
    return std::nullopt;
}

std::string format_impairment(const Impairment& m) {
    std::vector<std::string> items;
    if (m.delay.count() > 0) items.push_back("delay=" + format_duration(m.delay));
    if (m.jitter.count() > 0)
        items.push_back("jitter=" + format_duration(m.jitter) + ":" + std::string(distribution_name(m.distribution)));
    if (m.gemodel) {
        const auto& g = *m.gemodel;
        items.push_back("loss=gemodel:" + format_percent(g.p) + ":" + format_percent(g.r) + ":" +
                        format_percent(g.one_minus_h) + ":" + format_percent(g.one_minus_k));
    } else if (m.loss > 0) {
        items.push_back("loss=" + format_percent(m.loss));
    }
    if (m.duplicate > 0) items.push_back("duplicate=" + format_percent(m.duplicate));
    if (m.reorder > 0) items.push_back("reorder=" + format_percent(m.reorder));
    if (m.corrupt > 0) items.push_back("corrupt=" + format_percent(m.corrupt));
    if (m.rate_bps > 0) items.push_back("rate=" + format_rate(m.rate_bps));
    if (m.limit != default_limit) items.push_back("limit=" + std::to_string(m.limit));
    if (m.blackhole) items.push_back("blackhole=on");
    if (items.empty()) return "none";
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
    return out;
}

}  // namespace lab::shaping
