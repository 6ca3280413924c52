#include "analysis/capture_list.hpp"

#include <filesystem>

#include <fmt/format.h>

namespace lab::analysis {
namespace {

// A path as a shell word: bare when it holds only characters no shell treats specially.
std::string shell_word(const std::string& text) {
    if (!text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                "/._-+:,@%") == std::string::npos)
        return text;
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace

std::string capture_list(const record::RunRecord& r) {
    if (r.captures.empty()) return "";
    std::string out = "captures (read with tcpdump, or open in Wireshark):\n";
    for (const record::CaptureFile& c : r.captures) {
        const std::string path = (std::filesystem::path(r.run.directory) / c.file).string();
        out += fmt::format("  tcpdump -nn -r {}\n", shell_word(path));
        out += fmt::format("      link {}, host {} ({}), interface {}: {} packets, {} bytes, {} dropped", c.link, c.host,
                           c.netns, c.interface, c.packets, c.bytes, c.dropped);
        if (c.not_written > 0)
            out += fmt::format(", {} not written (the file reached max_size {} bytes)", c.not_written, c.max_bytes);
        if (!c.problem.empty()) out += fmt::format("; {}", c.problem);
        out += "\n";
    }
    return out;
}

}  // namespace lab::analysis
