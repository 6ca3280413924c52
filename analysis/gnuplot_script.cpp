#include "analysis/gnuplot_script.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "analysis/number_text.hpp"
#include "analysis/xml_text.hpp"

namespace lab::analysis {
namespace {

// Tic labels longer than this are turned, so that neighbours do not overlap.
constexpr std::size_t kLongestFlatTicLabel = 8;

}  // namespace

std::string gnuplot_string(std::string_view text) {
    std::string out = "'";
    for (char c : xml_safe_utf8(text)) {
        if (c == '\'') out += "''";
        else if (static_cast<unsigned char>(c) < 0x20) out += ' ';
        else out += c;
    }
    return out + "'";
}

std::string gnuplot_terminal(const std::string& name) {
    return fmt::format(
        "set terminal svg size 720,450 dynamic noenhanced font 'sans-serif,12' linewidth 1.5 background '#ffffff' name {}\n",
        gnuplot_string(name));
}

std::string gnuplot_script(const PlotSpec& p) {
    std::string out = gnuplot_terminal(p.name);
    out += "set encoding utf8\n";
    out += "set output\n";  // stdout
    out += fmt::format("set title {}\n", gnuplot_string(p.title));
    out += fmt::format("set xlabel {}\n", gnuplot_string(p.x.label));
    out += fmt::format("set ylabel {}\n", gnuplot_string(p.y_label));
    out += "set grid\n";
    out += p.key ? "set key outside right top\n" : "unset key\n";
    // Room around a sweep's points and error bars; a time series runs edge to edge, from 0 up.
    if (!p.lines) out += "set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05\n";
    if (p.x.logarithmic) out += "set logscale x 10\n";

    const auto& pos = p.x.positions;
    if (p.x.kind == AxisKind::Categorical) {
        out += fmt::format("set xrange [-0.5:{}]\n", exact_number_text(static_cast<double>(pos.size()) - 0.5));
    } else if (!pos.empty() && std::all_of(pos.begin(), pos.end(), [&](double v) { return v == pos.front(); })) {
        // One x value: gnuplot would widen the empty range itself, with a warning.
        double v = pos.front();
        double lo = v > 0 ? v / 2 : v - 1, hi = v > 0 ? v * 2 : v + 1;
        out += fmt::format("set xrange [{}:{}]\n", exact_number_text(lo), exact_number_text(hi));
    }
    if (!p.x.tic_labels.empty()) {
        std::string tics;
        std::size_t longest = 0;
        for (std::size_t i = 0; i < p.x.tic_labels.size() && i < pos.size(); ++i) {
            tics += fmt::format("{}{} {}", i ? ", " : "", gnuplot_string(p.x.tic_labels[i]), exact_number_text(pos[i]));
            longest = std::max(longest, p.x.tic_labels[i].size());
        }
        out += fmt::format("set xtics {}({})\n", longest > kLongestFlatTicLabel ? "rotate by -30 left " : "", tics);
    }

    for (std::size_t s = 0; s < p.series.size(); ++s) {
        out += fmt::format("$series{} << EOD\n", s + 1);
        for (const auto& point : p.series[s].points) {
            if (!std::isfinite(point.x) || !std::isfinite(point.median) || !std::isfinite(point.min) || !std::isfinite(point.max))
                continue;
            out += fmt::format("{} {} {} {}\n", exact_number_text(point.x), exact_number_text(point.median),
                               exact_number_text(point.min), exact_number_text(point.max));
        }
        out += "EOD\n";
    }
    if (p.series.empty()) return out;  // nothing to plot: the caller does not run gnuplot for it
    out += "plot ";
    for (std::size_t s = 0; s < p.series.size(); ++s)
        out += fmt::format("{}$series{} using {} title {}", s ? ", \\\n     " : "", s + 1,
                           p.lines ? "1:2 with lines" : "1:2:3:4 with yerrorlines pointtype 7 pointsize 0.7",
                           gnuplot_string(p.series[s].title));
    out += "\n";
    return out;
}

}  // namespace lab::analysis
