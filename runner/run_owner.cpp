#include "runner/run_owner.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "common/errno_name.hpp"

namespace fs = std::filesystem;

namespace lab::runner {

std::optional<unsigned long long> process_start_time(pid_t pid) {
    std::ifstream in(fmt::format("/proc/{}/stat", pid));
    std::string stat;
    if (!std::getline(in, stat)) return std::nullopt;
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    auto close = stat.rfind(')');
    if (close == std::string::npos) return std::nullopt;
    std::istringstream rest(stat.substr(close + 1));
    std::string field;
    for (int i = 3; i <= 22; ++i)
        if (!(rest >> field)) return std::nullopt;
    return std::stoull(field);
}

RunOwnership RunOwnership::claim(const std::string& run_id) {
    std::error_code ec;
    fs::create_directories(kRunMarkerDir, ec);
    std::string path = fmt::format("{}/{}", kRunMarkerDir, run_id);
    std::ofstream out(path, std::ios::trunc);
    out << ::getpid() << ' ' << process_start_time(::getpid()).value_or(0) << '\n';
    if (!out)
        throw std::runtime_error(fmt::format("write run marker {}: {} ({})", path, std::strerror(errno), errno_name(errno)));
    return RunOwnership(path);
}

RunOwnership::RunOwnership(RunOwnership&& other) noexcept : path_(std::exchange(other.path_, {})) {}

RunOwnership::~RunOwnership() {
    if (!path_.empty()) ::unlink(path_.c_str());
}

std::optional<pid_t> live_run_owner(const std::string& run_id) {
    if (run_id.empty() || run_id.find('/') != std::string::npos) return std::nullopt;
    std::ifstream in(fmt::format("{}/{}", kRunMarkerDir, run_id));
    long long pid = 0;
    unsigned long long start = 0;
    if (!(in >> pid >> start) || pid <= 0) return std::nullopt;
    auto now = process_start_time(static_cast<pid_t>(pid));
    if (!now || *now != start) return std::nullopt;
    return static_cast<pid_t>(pid);
}

int remove_stale_run_markers() {
    int removed = 0;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(kRunMarkerDir, ec)) {
        std::string id = e.path().filename().string();
        if (!live_run_owner(id) && fs::remove(e.path(), ec)) ++removed;
    }
    return removed;
}

std::string run_id_of_namespace(const std::string& netns_name) {
    constexpr std::string_view prefix = "lab-";
    if (netns_name.rfind(prefix, 0) != 0) return "";
    std::string rest = netns_name.substr(prefix.size());
    return rest.substr(0, rest.find('-'));
}

}  // namespace lab::runner
