#include "runner/run_owner.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <limits>
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
// A claim being written: ".claim-<pid>-<start time>-<n>". The dot keeps it from ever being read as a run
// id; the writer's pid and start time say whether it is still being written or was left by a lab killed
// while claiming.
constexpr std::string_view kClaimPrefix = ".claim-";
constexpr std::size_t kMarkerReadLimit = 256;  // "pid starttime\n" is about 30 bytes

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

bool process_is(long long pid, unsigned long long start) {
    if (pid <= 0 || pid > std::numeric_limits<pid_t>::max()) return false;
    const auto now = process_start_time(static_cast<pid_t>(pid));
    return now && *now == start;
}

std::string new_claim_name(pid_t pid, unsigned long long start) {
    static std::atomic<unsigned> counter{0};  // runs side by side (lab run -j) claim from one process
    return fmt::format("{}{}-{}-{}", kClaimPrefix, pid, start, counter.fetch_add(1));
}

// Whether the writer a claim's name carries is still running; nullopt when the name is no claim's.
std::optional<bool> claim_writer_alive(const std::string& name) {
    if (!name.starts_with(kClaimPrefix)) return std::nullopt;
    std::string rest = name.substr(kClaimPrefix.size());
    std::replace(rest.begin(), rest.end(), '-', ' ');
    std::istringstream in(rest);
    long long pid = 0;
    unsigned long long start = 0;
    if (!(in >> pid >> start)) return false;
    return process_is(pid, start);
}

// The claim, complete, under its temporary name: nobody sees it under the id before it is whole.
void write_claim(const sys::Directory& markers, const std::string& claim, const std::string& content) {
    sys::UniqueFd fd(::openat(markers.fd(), claim.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!fd) sys::throw_kernel_error(fmt::format("write run marker {}/{}", markers.path().string(), claim), errno);
    if (::fchmod(fd.get(), 0644) != 0 ||
        ::write(fd.get(), content.data(), content.size()) != static_cast<ssize_t>(content.size())) {
        const int err = errno;
        ::unlinkat(markers.fd(), claim.c_str(), 0);
        sys::throw_kernel_error(fmt::format("write run marker {}/{}", markers.path().string(), claim), err);
    }
}

// A marker as found: whose it says it is ("pid starttime"), and which file it was (its inode and age).
struct MarkerFile {
    bool exists = false;
    std::optional<std::pair<long long, unsigned long long>> owner;  // nullopt: it does not read "pid starttime"
    ino_t inode = 0;
    std::chrono::system_clock::time_point written;
};

MarkerFile read_marker(const sys::Directory& markers, const std::string& name) {
    MarkerFile m;
    sys::UniqueFd fd(::openat(markers.fd(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    struct stat st {};
    if (!fd) {
        // A symlink or what cannot be opened is still something in lab's directory: unreadable.
        if (::fstatat(markers.fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return m;
    } else if (::fstat(fd.get(), &st) != 0) {
        return m;
    }
    m.exists = true;
    m.inode = st.st_ino;
    m.written = std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
        std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
    if (!fd || !S_ISREG(st.st_mode)) return m;
    char buf[kMarkerReadLimit];
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n <= 0) return m;
    std::istringstream in(std::string(buf, static_cast<std::size_t>(n)));
    long long pid = 0;
    unsigned long long start = 0;
    if ((in >> pid >> start) && pid > 0) m.owner = std::make_pair(pid, start);
    return m;
}

bool unreadable_and_recent(const MarkerFile& m) {
    return m.exists && !m.owner && std::chrono::system_clock::now() - m.written < kUnreadableMarkerGrace;
}

// Removes `name` if it is still the file that was read: a marker another `lab clean` removed, and that a
// new run then claimed under the same id, stays.
bool remove_marker(const sys::Directory& markers, const std::string& name, ino_t inode) {
    struct stat st {};
    if (::fstatat(markers.fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_ino != inode) return false;
    return ::unlinkat(markers.fd(), name.c_str(), 0) == 0;
}

std::optional<sys::Directory> existing_markers_directory() {
    return sys::Directory::open_existing_lab_state(fmt::format("{}/runs", kRunStateDir));
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

RunOwnership RunOwnership::claim_new_id(const sys::Directory& markers, const IdSource& draw,
                                        const BeforePublish& before_publish) {
    const pid_t self = ::getpid();
    const unsigned long long start = process_start_time(self).value_or(0);
    const std::string content = fmt::format("{} {}\n", self, start);
    const std::string claim = new_claim_name(self, start);
    write_claim(markers, claim, content);
    // The claim's temporary name goes whatever happens: once linked, the id's name holds the same file.
    struct RemoveClaim {
        const sys::Directory& markers;
        const std::string& claim;
        ~RemoveClaim() { ::unlinkat(markers.fd(), claim.c_str(), 0); }
    } remove_claim{markers, claim};
    for (int attempt = 0; attempt < kClaimAttempts; ++attempt) {
        const std::string id = draw();
        if (namespace_carries(id) || markers.contains(id)) continue;  // held, live or dead: draw again
        if (before_publish) before_publish(id);
        if (::linkat(markers.fd(), claim.c_str(), markers.fd(), id.c_str(), 0) == 0)
            return RunOwnership(markers.duplicate(), id);
        if (errno == EEXIST) continue;  // another run linked it first
        if (errno == ENOENT) {
            // Something removed the claim under its temporary name (a `lab clean` of an older lab, which
            // took any name it could not read for a dead run's): write it again.
            write_claim(markers, claim, content);
            continue;
        }
        sys::throw_kernel_error(fmt::format("claim run id {} in {}", id, markers.path().string()), errno);
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
    const MarkerFile m = read_marker(markers, run_id);
    if (!m.owner || !process_is(m.owner->first, m.owner->second)) return std::nullopt;
    return static_cast<pid_t>(m.owner->first);
}

std::optional<pid_t> live_run_owner(const std::string& run_id) {
    if (!is_run_id(run_id)) return std::nullopt;
    auto markers = existing_markers_directory();
    if (!markers) return std::nullopt;
    return live_run_owner(*markers, run_id);
}

bool run_marker_unreadable_and_recent(const sys::Directory& markers, const std::string& run_id) {
    return is_run_id(run_id) && unreadable_and_recent(read_marker(markers, run_id));
}

bool run_marker_unreadable_and_recent(const std::string& run_id) {
    if (!is_run_id(run_id)) return false;
    auto markers = existing_markers_directory();
    return markers && run_marker_unreadable_and_recent(*markers, run_id);
}

int remove_stale_run_markers(const sys::Directory& markers) {
    int removed = 0;
    for (const auto& name : markers.entries()) {
        if (const auto writer_alive = claim_writer_alive(name)) {
            if (!*writer_alive && ::unlinkat(markers.fd(), name.c_str(), 0) == 0) ++removed;
            continue;
        }
        const MarkerFile m = read_marker(markers, name);
        if (!m.exists || unreadable_and_recent(m)) continue;
        if (m.owner && process_is(m.owner->first, m.owner->second)) continue;
        if (remove_marker(markers, name, m.inode)) ++removed;
    }
    return removed;
}

int remove_stale_run_markers() {
    auto markers = existing_markers_directory();
    return markers ? remove_stale_run_markers(*markers) : 0;
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
