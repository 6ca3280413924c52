#include "analysis/number_text.hpp"

#include <cmath>

#include <fmt/format.h>

namespace lab::analysis {

std::string number_text(double v) {
    // Beyond 2^53 a double holds no fractional part anyway, and %.0f would print digits it does not have.
    if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9.0e15) {
        if (v == 0) return "0";  // no "-0"
        return fmt::format("{:.0f}", v);
    }
    return fmt::format("{:g}", v);
}

std::string compact_number_text(double v) {
    if (!std::isfinite(v)) return fmt::format("{}", v);
    if (v == std::trunc(v) && std::fabs(v) < 9.0e15) return number_text(v);
    if (std::fabs(v) >= 999.5) return number_text(std::round(v));  // %.3g would write 999.7 as 1e+03
    std::string text = fmt::format("{:.3g}", v);
    return text == "-0" ? "0" : text;
}

std::string exact_number_text(double v) {
    if (std::isfinite(v) && v == std::trunc(v) && std::fabs(v) < 9.0e15) return number_text(v);
    return fmt::format("{}", v);
}

std::string seconds_text(double seconds) {
    if (!std::isfinite(seconds) || seconds < 0) return "—";
    if (seconds < 10) return fmt::format("{:.2f}s", seconds);
    if (seconds < 120) return fmt::format("{:.1f}s", seconds);
    auto whole = static_cast<long long>(std::llround(seconds));
    if (whole < 3600) return fmt::format("{}m {:02}s", whole / 60, whole % 60);
    return fmt::format("{}h {:02}m {:02}s", whole / 3600, whole / 60 % 60, whole % 60);
}

}  // namespace lab::analysis
