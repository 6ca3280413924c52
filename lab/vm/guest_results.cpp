#include "lab/vm/guest_results.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lab/vm/guest_script.hpp"
#include "sys/directory.hpp"

namespace fs = std::filesystem;

namespace lab::vm {
namespace {

template <typename T>
std::optional<T> read_number(const fs::path& p) {
    std::ifstream in(p);
    T v{};
    if (in >> v) return v;
    return std::nullopt;
}

// Edits the JSON in place rather than round-tripping it through RunRecord, so that a field this lab
// does not know (a newer guest-side writer) survives the rewrite.
void rewrite_record(const std::string& path, const std::map<std::string, std::string>& path_map) {
    nlohmann::json j;
    {
        std::ifstream in(path);
        j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    }
    if (j.is_discarded() || !j.is_object()) return;  // a torn record is reported by whoever reads it
    auto rewrite = [&](nlohmann::json& obj, const char* key) {
        if (obj.is_object() && obj.contains(key) && obj[key].is_string())
            obj[key] = map_guest_path(obj[key].get<std::string>(), path_map);
    };
    if (j.contains("scenario")) rewrite(j["scenario"], "file");
    if (j.contains("run")) rewrite(j["run"], "directory");
    if (j.contains("processes") && j["processes"].is_array())
        for (auto& p : j["processes"]) {
            rewrite(p, "stdout_path");
            rewrite(p, "stderr_path");
        }
    // "FILE:LINE:COL" of expectations, verdicts and timeline steps: the staged copy has the same lines.
    for (const char* section : {"expectations", "verdicts", "timeline"})
        if (j.contains(section) && j[section].is_array())
            for (auto& item : j[section]) rewrite(item, "origin");
    const fs::path p(path);
    if (auto dir = sys::Directory::open_existing(p.parent_path())) dir->write_file(p.filename().string(), j.dump(1) + "\n", 0644);
}

}  // namespace

std::string map_guest_path(const std::string& path, const std::map<std::string, std::string>& path_map) {
    const std::pair<const std::string, std::string>* best = nullptr;
    for (const auto& entry : path_map) {
        const std::string& from = entry.first;
        if (path.compare(0, from.size(), from) != 0) continue;
        // A prefix must end at a path boundary: /run/lab-vm must not match /run/lab-vm2. A ':' is one
        // too, for the FILE:LINE:COL that points at a line of a scenario file.
        bool boundary = path.size() == from.size() || from.back() == '/' || path[from.size()] == '/' ||
                        path[from.size()] == ':';
        if (boundary && (!best || from.size() > best->first.size())) best = &entry;
    }
    if (!best) return path;
    return best->second + path.substr(best->first.size());
}

GuestResults collect_guest_results(const std::string& results_dir, const std::map<std::string, std::string>& path_map) {
    GuestResults r;
    r.exit_code = read_number<int>(fs::path(results_dir) / kExitCodeFile);
    r.boot_seconds = read_number<double>(fs::path(results_dir) / kBootUptimeFile);
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(results_dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->path().filename() == "record.json") r.record_paths.push_back(it->path().string());
    std::sort(r.record_paths.begin(), r.record_paths.end());
    for (const auto& p : r.record_paths) rewrite_record(p, path_map);
    return r;
}

bool crashed_before_command(const GuestResults& guest, const std::string& failure) {
    return !guest.exit_code && !guest.boot_seconds && failure.starts_with(kGuestCrashed);
}

std::string console_failure(const std::string& console_log) {
    std::ifstream in(console_log);
    std::vector<std::string> tail;
    // A guest kernel that crashed: its first report ("Oops: …", "BUG: …"), where ("RIP: …"), and the
    // panic line say more than the console's last lines, which are register dumps.
    std::vector<std::string> crash;
    auto kernel_text = [](const std::string& line) {
        const auto close = line.find("] ");
        return line.front() == '[' && close != std::string::npos ? line.substr(close + 2) : line;
    };
    for (std::string line; std::getline(in, line);) {
        while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
        if (auto at = line.find(kFailedMarker); at != std::string::npos) return line.substr(at + std::string(kFailedMarker).size());
        if (line.empty()) continue;
        const std::string text = kernel_text(line);
        const bool report = text.starts_with("Oops: ") || text.starts_with("BUG: ") || text.starts_with("general protection fault");
        if (report && crash.empty()) crash.push_back(text);
        else if (text.starts_with("RIP: 0010:") && crash.size() == 1) crash.push_back(text);
        else if (text.starts_with("Kernel panic")) crash.push_back(text);
        tail.push_back(line);
        if (tail.size() > 3) tail.erase(tail.begin());
    }
    const std::vector<std::string>& said = crash.empty() ? tail : crash;
    std::string out;
    for (const auto& l : said) out += (out.empty() ? "" : " | ") + l;
    if (out.empty()) return {};
    return (crash.empty() ? "console ends: " : kGuestCrashed) + out;
}

std::string guest_file_tail(const std::string& path, std::size_t lines) {
    std::ifstream in(path);
    std::vector<std::string> tail;
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        tail.push_back(std::move(line));
        if (tail.size() > lines) tail.erase(tail.begin());
    }
    std::string out;
    for (const auto& l : tail) out += "  " + l + "\n";
    return out;
}

}  // namespace lab::vm
