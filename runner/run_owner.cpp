#include "runner/run_owner.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "runner/netns.hpp"
#include "runner/run_state.hpp"
#include "sys/kernel_error.hpp"

namespace fs = std::filesystem;

namespace lab::runner {
namespace {

constexpr int kClaimAttempts = 1000;

bool namespace_carries(const std::string& id) {
    std::error_code ec;
    const std::string prefix = "lab-" + id + "-";
    for (const auto& e : fs::directory_iterator(std::string(kNetnsRunDir), ec))
        if (e.path().filename().string().starts_with(prefix)) return true;
    return false;
}

bool is_run_id(const std::string& id) {
    return !id.empty() && id.size() <= 32 && id.find_first_not_of("0123456789abcdefghijklmnopqrstuvwxyz") == std::string::npos;
}

}  // namespace

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

std::string RunOwnership::random_run_id() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    return fmt::format("{:0{}x}", rng() & ((1ULL << (4 * kRunIdDigits)) - 1), kRunIdDigits);
}

RunOwnership RunOwnership::claim_new_id(const sys::Directory& markers, const IdSource& draw) {
    const std::string content = fmt::format("{} {}\n", ::getpid(), process_start_time(::getpid()).value_or(0));
    for (int attempt = 0; attempt < kClaimAttempts; ++attempt) {
        const std::string id = draw();
        if (namespace_carries(id)) continue;
        sys::UniqueFd fd(::openat(markers.fd(), id.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
        if (!fd) {
            if (errno == EEXIST) continue;  // another run holds it, live or dead: draw again
            sys::throw_kernel_error(fmt::format("claim run id {} in {}", id, markers.path().string()), errno);
        }
        if (::fchmod(fd.get(), 0644) != 0 || ::write(fd.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size())) {
            const int err = errno;
            ::unlinkat(markers.fd(), id.c_str(), 0);
            sys::throw_kernel_error(fmt::format("write run marker {}/{}", markers.path().string(), id), err);
        }
        return RunOwnership(markers.duplicate(), id);
    }
    throw std::runtime_error(fmt::format("no free run id after {} tries: {} holds too many runs (run 'lab clean')",
                                         kClaimAttempts, markers.path().string()));
}

RunOwnership RunOwnership::claim_new_id() { return claim_new_id(run_markers_directory()); }

RunOwnership::RunOwnership(RunOwnership&& other) noexcept
    : markers_(std::exchange(other.markers_, std::nullopt)), id_(std::move(other.id_)) {}

RunOwnership::~RunOwnership() {
    if (markers_) ::unlinkat(markers_->fd(), id_.c_str(), 0);
}

std::optional<pid_t> live_run_owner(const sys::Directory& markers, const std::string& run_id) {
    if (!is_run_id(run_id)) return std::nullopt;
    std::optional<std::string> text;
    try {
        text = markers.read_file(run_id);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    if (!text) return std::nullopt;
    std::istringstream in(*text);
    long long pid = 0;
    unsigned long long start = 0;
    if (!(in >> pid >> start) || pid <= 0) return std::nullopt;
    auto now = process_start_time(static_cast<pid_t>(pid));
    if (!now || *now != start) return std::nullopt;
    return static_cast<pid_t>(pid);
}

std::optional<pid_t> live_run_owner(const std::string& run_id) {
    if (!is_run_id(run_id)) return std::nullopt;
    auto markers = sys::Directory::open_existing_lab_state(fmt::format("{}/runs", kRunStateDir));
    if (!markers) return std::nullopt;
    return live_run_owner(*markers, run_id);
}

int remove_stale_run_markers() {
    auto markers = sys::Directory::open_existing_lab_state(fmt::format("{}/runs", kRunStateDir));
    if (!markers) return 0;
    int removed = 0;
    for (const auto& id : markers->entries())
        if (!live_run_owner(*markers, id) && ::unlinkat(markers->fd(), id.c_str(), 0) == 0) ++removed;
    return removed;
}

NamespaceOrigin namespace_origin(const std::string& netns_name) {
    NamespaceOrigin origin;
    const std::string id = run_id_of_namespace(netns_name);
    if (id.empty()) return origin;
    if (id.size() == kRunIdDigits && id.find_first_not_of("0123456789abcdef") == std::string::npos) {
        origin.kind = NamespaceOrigin::Kind::Run;
        origin.run_id = id;
        return origin;
    }
    // lab-<tool>-<pid>, then nothing or "-" and more.
    const std::string rest = netns_name.substr(4 + id.size());
    if (rest.size() < 2 || rest[0] != '-') return origin;
    const std::size_t end = rest.find('-', 1);
    const std::string digits = rest.substr(1, end == std::string::npos ? std::string::npos : end - 1);
    if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return origin;
    origin.kind = NamespaceOrigin::Kind::Tool;
    origin.tool = id;
    origin.pid = static_cast<pid_t>(std::stol(digits));
    return origin;
}

std::string run_id_of_namespace(const std::string& netns_name) {
    constexpr std::string_view prefix = "lab-";
    if (netns_name.rfind(prefix, 0) != 0) return "";
    std::string rest = netns_name.substr(prefix.size());
    return rest.substr(0, rest.find('-'));
}

}  // namespace lab::runner
