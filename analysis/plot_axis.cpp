#include "analysis/plot_axis.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <optional>

#include "analysis/number_text.hpp"
#include "common/units.hpp"

namespace lab::analysis {
namespace {

// Beyond this many values, explicit tics crowd the axis: gnuplot places its own.
constexpr std::size_t kMostLabelledTics = 12;
// Positive values whose largest is this many times the smallest go on a log axis.
constexpr double kLogSpan = 100;

std::optional<double> number_in(const std::string& text) {
    double v = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, v);
    if (ec != std::errc() || ptr != end || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::optional<double> milliseconds_in(const std::string& text) {
    auto parsed = parse_duration(text);
    if (failed(parsed)) return std::nullopt;
    return std::chrono::duration<double, std::milli>(std::get<Duration>(parsed)).count();
}

}  // namespace

const char* to_string(AxisKind kind) {
    switch (kind) {
        case AxisKind::Numeric: return "numeric";
        case AxisKind::Duration: return "duration";
        case AxisKind::Categorical: return "categorical";
    }
    return "?";
}

PlotAxis plot_axis(const SweepAxis& axis) {
    PlotAxis out;
    out.label = axis.name;
    std::vector<double> numbers, milliseconds;
    for (std::size_t i = 0; i < axis.values.size(); ++i) {
        std::optional<double> n = i < axis.numbers.size() && axis.numbers[i] ? axis.numbers[i] : number_in(axis.values[i]);
        if (n) numbers.push_back(*n);
        if (auto ms = milliseconds_in(axis.values[i])) milliseconds.push_back(*ms);
    }
    if (!axis.values.empty() && numbers.size() == axis.values.size()) {
        out.kind = AxisKind::Numeric;
        out.positions = numbers;
    } else if (!axis.values.empty() && milliseconds.size() == axis.values.size()) {
        out.kind = AxisKind::Duration;
        out.positions = milliseconds;
        out.label += " (ms)";
    } else {
        out.kind = AxisKind::Categorical;
        for (std::size_t i = 0; i < axis.values.size(); ++i) out.positions.push_back(static_cast<double>(i));
        out.tic_labels = axis.values;
        return out;
    }
    if (out.positions.size() <= kMostLabelledTics) {
        for (std::size_t i = 0; i < axis.values.size(); ++i)
            out.tic_labels.push_back(out.kind == AxisKind::Duration ? compact_number_text(out.positions[i]) : axis.values[i]);
    }
    auto [lo, hi] = std::minmax_element(out.positions.begin(), out.positions.end());
    out.logarithmic = *lo > 0 && *hi / *lo >= kLogSpan;
    // 0, 0.1, 1, 5, 25, 100 ms: the small values pile up at the left of a linear axis, and a log axis
    // cannot hold the 0. Evenly spaced ticks labelled with the values keep every point readable.
    if (!out.logarithmic && *lo == 0 && !out.tic_labels.empty()) {
        double smallest_positive = 0;
        for (double v : out.positions)
            if (v > 0 && (smallest_positive == 0 || v < smallest_positive)) smallest_positive = v;
        if (smallest_positive > 0 && *hi / smallest_positive >= kLogSpan) {
            for (std::size_t i = 0; i < out.positions.size(); ++i) out.positions[i] = static_cast<double>(i);
            out.evenly_spaced = true;
            // Slopes between such points are not rates: the label says the scale is not linear.
            out.label += out.kind == AxisKind::Duration ? "" : " (evenly spaced)";
            if (out.kind == AxisKind::Duration) out.label.replace(out.label.size() - 1, 1, ", evenly spaced)");
        }
    }
    return out;
}

}  // namespace lab::analysis
