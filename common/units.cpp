#include "common/units.hpp"

#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <string>

namespace lab {
namespace {

// A message from its pieces. Not `"'" + std::string(text) + ...`: at -O3 GCC 12 warns a false -Wrestrict
// inside libstdc++'s operator+ for that form, which would stop a -Werror build.
std::string text_of(std::initializer_list<std::string_view> pieces) {
    std::string out;
    for (std::string_view p : pieces) out.append(p);
    return out;
}

struct NumberAndUnit {
    double number = 0;
    std::string_view unit;
    bool ok = false;
};

NumberAndUnit split_number(std::string_view text) {
    NumberAndUnit out;
    std::size_t i = 0;
    bool digits = false, dot = false;
    while (i < text.size()) {
        char c = text[i];
        if (c >= '0' && c <= '9') {
            digits = true;
        } else if (c == '.' && !dot) {
            dot = true;
        } else {
            break;
        }
        ++i;
    }
    if (!digits) return out;
    std::string number(text.substr(0, i));
    out.number = std::strtod(number.c_str(), nullptr);
    out.unit = text.substr(i);
    while (!out.unit.empty() && out.unit.front() == ' ') out.unit.remove_prefix(1);
    out.ok = std::isfinite(out.number);
    return out;
}

}  // namespace

Parsed<Duration> parse_duration(std::string_view text) {
    NumberAndUnit nu = split_number(text);
    if (!nu.ok) return ParseError{text_of({"'", text, "' is not a duration (expected e.g. \"250ms\", \"1.5s\")"})};
    double scale = 0;
    if (nu.unit == "ns") scale = 1;
    else if (nu.unit == "us") scale = 1e3;
    else if (nu.unit == "ms") scale = 1e6;
    else if (nu.unit == "s") scale = 1e9;
    else if (nu.unit == "m" || nu.unit == "min") scale = 60e9;
    else if (nu.unit == "h") scale = 3600e9;
    else if (nu.unit.empty())
        return ParseError{text_of({"duration '", text, "' has no unit (use ns, us, ms, s, m or h)"})};
    else
        return ParseError{text_of({"duration '", text, "' has unknown unit '", nu.unit, "' (use ns, us, ms, s, m or h)"})};
    double ns = nu.number * scale;
    if (ns > 1e18) return ParseError{text_of({"duration '", text, "' is too long"})};
    return Duration(static_cast<std::int64_t>(std::llround(ns)));
}

Parsed<std::uint64_t> parse_size(std::string_view text) {
    NumberAndUnit nu = split_number(text);
    if (!nu.ok) return ParseError{text_of({"'", text, "' is not a size (expected e.g. \"1500\", \"64KiB\")"})};
    double scale = 0;
    std::string_view u = nu.unit;
    if (u.empty() || u == "B") scale = 1;
    else if (u == "k" || u == "K" || u == "KB" || u == "kB") scale = 1e3;
    else if (u == "KiB") scale = 1024;
    else if (u == "M" || u == "MB") scale = 1e6;
    else if (u == "MiB") scale = 1024.0 * 1024;
    else if (u == "G" || u == "GB") scale = 1e9;
    else if (u == "GiB") scale = 1024.0 * 1024 * 1024;
    else
        return ParseError{text_of({"size '", text, "' has unknown unit '", u, "' (use B, k, KiB, M, MiB, G or GiB)"})};
    double bytes = nu.number * scale;
    if (bytes > 1e18) return ParseError{text_of({"size '", text, "' is too large"})};
    if (bytes != std::floor(bytes)) return ParseError{text_of({"size '", text, "' is not a whole number of bytes"})};
    return static_cast<std::uint64_t>(bytes);
}

std::string format_duration(Duration d) {
    auto ns = d.count();
    auto fmt_unit = [](double v, const char* unit) {
        std::string s = std::to_string(v);
        // to_string gives six decimals; trim the zeros that carry no information.
        while (!s.empty() && s.back() == '0') s.pop_back();
        if (!s.empty() && s.back() == '.') s.pop_back();
        return s + unit;
    };
    if (ns == 0) return "0s";
    if (ns >= 1'000'000'000) return fmt_unit(ns / 1e9, "s");
    if (ns >= 1'000'000) return fmt_unit(ns / 1e6, "ms");
    if (ns >= 1'000) return fmt_unit(ns / 1e3, "us");
    return std::to_string(ns).append("ns");
}

double to_seconds(Duration d) { return static_cast<double>(d.count()) / 1e9; }

}  // namespace lab
