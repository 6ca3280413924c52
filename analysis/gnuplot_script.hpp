#pragma once
// The gnuplot script that draws one sweep plot as SVG on gnuplot's stdout. The data travels inside the
// script (datablocks), so nothing is written to disk; every text from the records is a single-quoted
// gnuplot string, where gnuplot expands neither `backquoted commands` nor @macros, and the terminal is
// noenhanced, so "tcp_syncookies" is not typeset with a subscript.
#include <string>
#include <string_view>

#include "analysis/plot_spec.hpp"

namespace lab::analysis {

// The terminal every plot uses; `name` prefixes the ids of the SVG's plot groups.
// svg: 720×450 user units with a viewBox and no fixed size ("dynamic"), so the page can scale it.
std::string gnuplot_terminal(const std::string& name);

std::string gnuplot_script(const PlotSpec& spec);

// `text` as a single-quoted gnuplot string: quotes doubled, line breaks and other control characters as
// spaces, invalid UTF-8 as U+FFFD.
std::string gnuplot_string(std::string_view text);

}  // namespace lab::analysis
