#include "runner/leftovers.hpp"

#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "runner/netlink_socket.hpp"
#include "runner/netns.hpp"

namespace lab::runner {
namespace {

// A namespace is the (device, inode) pair of its nsfs file; the inode alone is unique only per device.
struct NsId {
    dev_t dev = 0;
    ino_t ino = 0;
    bool operator==(const NsId&) const = default;
};

std::optional<NsId> ns_id_of(const std::string& path) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return std::nullopt;
    return NsId{st.st_dev, st.st_ino};
}

struct DirCloser {
    void operator()(DIR* d) const { closedir(d); }
};
using Dir = std::unique_ptr<DIR, DirCloser>;

struct Found {
    std::string name;
    std::optional<NsId> id;  // none for a placeholder file whose mount never happened
    std::vector<pid_t> pids;
};

std::string netns_path(const std::string& name) { return fmt::format("{}/{}", kNetnsRunDir, name); }

std::vector<Found> scan(const std::string& prefix) {
    if (prefix.empty()) throw std::invalid_argument("leftover prefix is empty: it would match every namespace");
    if (prefix.find('/') != std::string::npos)
        throw std::invalid_argument(fmt::format("leftover prefix '{}' contains '/'", prefix));

    std::vector<Found> found;
    const std::string run_dir(kNetnsRunDir);
    Dir dir(opendir(run_dir.c_str()));
    if (!dir) {
        if (errno == ENOENT) return found;
        throw_kernel_error(fmt::format("list {}", run_dir), errno);
    }
    while (const dirent* entry = readdir(dir.get())) {
        const std::string name = entry->d_name;
        if (name == "." || name == ".." || !name.starts_with(prefix)) continue;
        found.push_back({name, ns_id_of(netns_path(name)), {}});
    }
    if (found.empty()) return found;

    Dir proc(opendir("/proc"));
    if (!proc) throw_kernel_error("list /proc", errno);
    const pid_t self = getpid();
    while (const dirent* entry = readdir(proc.get())) {
        const std::string_view name = entry->d_name;
        pid_t pid = 0;
        auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
        if (ec != std::errc{} || end != name.data() + name.size() || pid <= 1 || pid == self) continue;
        // Gone since readdir, or a zombie (its namespace already released): nothing to do.
        auto id = ns_id_of(fmt::format("/proc/{}/ns/net", pid));
        if (!id) continue;
        for (auto& f : found)
            if (f.id && *f.id == *id) f.pids.push_back(pid);
    }
    return found;
}

class PidFd {
 public:
    PidFd(pid_t pid, int fd) : pid_(pid), fd_(fd) {}
    PidFd(PidFd&& other) noexcept : pid_(other.pid_), fd_(std::exchange(other.fd_, -1)) {}
    PidFd(const PidFd&) = delete;
    PidFd& operator=(const PidFd&) = delete;
    PidFd& operator=(PidFd&&) = delete;
    ~PidFd() {
        if (fd_ >= 0) ::close(fd_);
    }
    pid_t pid() const { return pid_; }
    int fd() const { return fd_; }

 private:
    pid_t pid_;
    int fd_;
};

// Through syscall(): glibc 2.36's <sys/pidfd.h> declares these without C linkage.
int pidfd_open(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }
int pidfd_send_signal(int pidfd, int sig) { return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0)); }

// The pid may have been reused since the scan. A pidfd pins one process: if /proc/PID is
// still in the namespace after it was opened, the pidfd is that process, and the signal can
// only reach it (or fail with ESRCH if it has just exited).
std::optional<PidFd> kill_if_still_inside(pid_t pid, const NsId& ns, CleanReport& report) {
    int fd = pidfd_open(pid);
    if (fd < 0) {
        if (errno != ESRCH) report.problems.push_back(fmt::format("pid {}: pidfd_open: {}", pid, describe_errno(errno)));
        return std::nullopt;
    }
    PidFd pidfd(pid, fd);
    auto now = ns_id_of(fmt::format("/proc/{}/ns/net", pid));
    if (!now || !(*now == ns)) return std::nullopt;
    if (pidfd_send_signal(fd, SIGKILL) != 0) {
        if (errno != ESRCH) report.problems.push_back(fmt::format("pid {}: SIGKILL: {}", pid, describe_errno(errno)));
        return std::nullopt;
    }
    report.processes_killed.push_back(pid);
    return pidfd;
}

// A pidfd turns readable when its process has exited, zombie or reaped, so this never
// depends on who the parent is or whether it waits.
void wait_for_exit(std::vector<PidFd>& killed, std::chrono::milliseconds wait, CleanReport& report) {
    const auto deadline = std::chrono::steady_clock::now() + wait;
    std::vector<bool> exited(killed.size(), false);
    for (;;) {
        std::vector<pollfd> fds;
        std::vector<std::size_t> which;
        for (std::size_t i = 0; i < killed.size(); ++i) {
            if (exited[i]) continue;
            fds.push_back({killed[i].fd(), POLLIN, 0});
            which.push_back(i);
        }
        if (fds.empty()) return;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        const int n = poll(fds.data(), fds.size(), static_cast<int>(left.count()));
        if (n < 0 && errno != EINTR) {
            report.problems.push_back(fmt::format("wait for killed processes: {}", describe_errno(errno)));
            return;
        }
        for (std::size_t k = 0; k < fds.size(); ++k)
            if (fds[k].revents) exited[which[k]] = true;
    }
    for (std::size_t i = 0; i < killed.size(); ++i)
        if (!exited[i])
            report.problems.push_back(
                fmt::format("pid {} did not exit within {} ms of SIGKILL", killed[i].pid(), wait.count()));
}

}  // namespace

std::vector<Leftover> find_leftovers(const std::string& prefix) {
    std::vector<Leftover> leftovers;
    for (auto& f : scan(prefix)) leftovers.push_back({std::move(f.name), std::move(f.pids)});
    return leftovers;
}

CleanReport clean_leftovers(const std::string& prefix, std::chrono::milliseconds wait) {
    CleanReport report;
    const std::vector<Found> found = scan(prefix);

    std::vector<PidFd> killed;
    for (const auto& f : found)
        for (pid_t pid : f.pids)
            if (auto pidfd = kill_if_still_inside(pid, *f.id, report)) killed.push_back(std::move(*pidfd));
    wait_for_exit(killed, wait, report);

    for (const auto& f : found) {
        const std::string path = netns_path(f.name);
        // EINVAL: not a mount point, a placeholder left between create and bind-mount.
        if (umount2(path.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) != 0 && errno != EINVAL && errno != ENOENT)
            report.problems.push_back(fmt::format("unmount {}: {}", path, describe_errno(errno)));
        if (::unlink(path.c_str()) != 0) {
            if (errno != ENOENT) report.problems.push_back(fmt::format("remove {}: {}", path, describe_errno(errno)));
            continue;
        }
        report.namespaces_removed.push_back(f.name);
    }
    return report;
}

}  // namespace lab::runner
