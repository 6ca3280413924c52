#include "lab/cli/terminal_width.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <string_view>

namespace lab::cli {

std::optional<std::size_t> stdout_width() {
    if (const char* columns = std::getenv("COLUMNS")) {
        std::string_view text(columns);
        std::size_t n = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec == std::errc() && end == text.data() + text.size() && n > 0) return n;
    }
    if (!::isatty(STDOUT_FILENO)) return std::nullopt;
    winsize ws{};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_col == 0) return std::nullopt;
    return ws.ws_col;
}

}  // namespace lab::cli
