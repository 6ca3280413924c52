#pragma once
// How wide the text lab prints may be: $COLUMNS when it is set to a number (the user's own choice, as
// ls and ps honour it), else the terminal's width when stdout is one (TIOCGWINSZ), else nothing — output
// into a pipe or a file is not cut, so grep and scripts see whole lines.
#include <cstddef>
#include <optional>

namespace lab::cli {

std::optional<std::size_t> stdout_width();

}  // namespace lab::cli
