#include "sys/cgroup.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "sys/kernel_error.hpp"

namespace lab::sys {
namespace {

constexpr auto kPoll = std::chrono::milliseconds(2);

// mountinfo escapes space, tab, newline and backslash in paths as \ooo.
std::string unescape_mountinfo(const std::string& field) {
    std::string out;
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            const std::string oct = field.substr(i + 1, 3);
            if (oct.size() == 3 && oct.find_first_not_of("01234567") == std::string::npos) {
                out += static_cast<char>(std::stoi(oct, nullptr, 8));
                i += 3;
                continue;
            }
        }
        out += field[i];
    }
    return out;
}

std::optional<std::string> read_small_file_at(int dirfd, const char* name) {
    UniqueFd fd(::openat(dirfd, name, O_RDONLY | O_CLOEXEC));
    if (!fd) return std::nullopt;
    std::string out;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

bool write_at(int dirfd, const char* name, std::string_view text) {
    UniqueFd fd(::openat(dirfd, name, O_WRONLY | O_CLOEXEC));
    if (!fd) return false;
    return ::write(fd.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

// "populated 1\nfrozen 0\n" → the value of `key`.
std::optional<int> event_value(int dirfd, const std::string& key) {
    auto text = read_small_file_at(dirfd, "cgroup.events");
    if (!text) return std::nullopt;
    std::istringstream in(*text);
    std::string k;
    int v = 0;
    while (in >> k >> v)
        if (k == key) return v;
    return std::nullopt;
}

}  // namespace

std::optional<std::string> cgroup2_mount() {
    std::ifstream in("/proc/self/mountinfo");
    for (std::string line; std::getline(in, line);) {
        // "36 25 0:30 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw": the type follows the " - ".
        const auto dash = line.find(" - ");
        if (dash == std::string::npos) continue;
        std::istringstream after(line.substr(dash + 3));
        std::string fstype;
        after >> fstype;
        if (fstype != "cgroup2") continue;
        std::istringstream before(line.substr(0, dash));
        std::string id, parent, devno, root, mount_point;
        if (before >> id >> parent >> devno >> root >> mount_point) return unescape_mountinfo(mount_point);
    }
    return std::nullopt;
}

std::optional<std::string> run_cgroups_root() {
    auto mount = cgroup2_mount();
    if (!mount) return std::nullopt;
    return *mount + "/lab";
}

std::optional<RunCgroup> RunCgroup::create(const std::string& name, std::string* why) {
    auto fail = [&](std::string reason) -> std::optional<RunCgroup> {
        if (why) *why = std::move(reason);
        return std::nullopt;
    };
    auto root = run_cgroups_root();
    if (!root) return fail("no cgroup v2 hierarchy is mounted");
    if (::mkdir(root->c_str(), 0755) != 0 && errno != EEXIST)
        return fail(fmt::format("create {}: {}", *root, describe_errno(errno)));
    const std::string path = *root + "/" + name;
    if (::mkdir(path.c_str(), 0755) != 0) return fail(fmt::format("create {}: {}", path, describe_errno(errno)));
    UniqueFd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    UniqueFd procs(dir ? ::openat(dir.get(), "cgroup.procs", O_WRONLY | O_CLOEXEC) : -1);
    if (!dir || !procs) {
        const int err = errno;
        ::rmdir(path.c_str());
        return fail(fmt::format("open {}: {}", path, describe_errno(err)));
    }
    return RunCgroup(path, std::move(dir), std::move(procs));
}

std::optional<RunCgroup> RunCgroup::adopt(const std::string& name) {
    auto root = run_cgroups_root();
    if (!root) return std::nullopt;
    const std::string path = *root + "/" + name;
    UniqueFd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir) return std::nullopt;
    UniqueFd procs(::openat(dir.get(), "cgroup.procs", O_WRONLY | O_CLOEXEC));
    return RunCgroup(path, std::move(dir), std::move(procs));
}

RunCgroup::RunCgroup(RunCgroup&& other) noexcept
    : path_(std::move(other.path_)),
      dir_(std::move(other.dir_)),
      procs_(std::move(other.procs_)),
      removed_(std::exchange(other.removed_, true)) {}

RunCgroup::~RunCgroup() {
    if (removed_ || !dir_) return;
    kill_all();
    remove();
}

bool RunCgroup::populated() const { return event_value(dir_.get(), "populated").value_or(0) != 0; }

std::vector<pid_t> RunCgroup::pids() const {
    std::vector<pid_t> out;
    auto text = read_small_file_at(dir_.get(), "cgroup.procs");
    if (!text) return out;
    std::istringstream in(*text);
    for (pid_t pid; in >> pid;) out.push_back(pid);
    return out;
}

std::vector<pid_t> RunCgroup::kill_all(std::chrono::milliseconds wait) {
    if (!dir_ || !populated()) return {};
    if (!write_at(dir_.get(), "cgroup.kill", "1")) {
        // Before 5.14: freeze the group so that nothing in it forks while we go through it; SIGKILL still
        // reaches frozen tasks.
        write_at(dir_.get(), "cgroup.freeze", "1");
        const auto frozen_by = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
        while (event_value(dir_.get(), "frozen").value_or(1) == 0 && std::chrono::steady_clock::now() < frozen_by)
            std::this_thread::sleep_for(kPoll);
        for (pid_t pid : pids()) ::kill(pid, SIGKILL);
        write_at(dir_.get(), "cgroup.freeze", "0");
    }
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (populated() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(kPoll);
    return populated() ? pids() : std::vector<pid_t>{};
}

bool RunCgroup::remove(std::string* why) {
    if (removed_) return true;
    if (::rmdir(path_.c_str()) != 0 && errno != ENOENT) {
        if (why) *why = fmt::format("remove {}: {}", path_, describe_errno(errno));
        return false;
    }
    removed_ = true;
    procs_.close_now();
    dir_.close_now();
    return true;
}

std::vector<std::string> list_run_cgroups() {
    std::vector<std::string> out;
    auto root = run_cgroups_root();
    if (!root) return out;
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(root->c_str()), &::closedir);
    if (!d) return out;
    while (const dirent* e = ::readdir(d.get())) {
        const std::string n = e->d_name;
        if (n != "." && n != ".." && e->d_type == DT_DIR) out.push_back(n);
    }
    return out;
}

}  // namespace lab::sys
