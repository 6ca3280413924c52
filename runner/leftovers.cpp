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
#include "sys/kernel_error.hpp"
#include "sys/unique_fd.hpp"

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

// Every process (but this one and init) whose network namespace is one of found's, into its pids.
void assign_processes(std::vector<Found>& found) {
    Dir proc(opendir("/proc"));
    if (!proc) sys::throw_kernel_error("list /proc", errno);
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
}

std::vector<Found> scan(const std::string& prefix) {
    if (prefix.empty()) throw std::invalid_argument("leftover prefix is empty: it would match every namespace");
    if (prefix.find('/') != std::string::npos)
        throw std::invalid_argument(fmt::format("leftover prefix '{}' contains '/'", prefix));

    std::vector<Found> found;
    const std::string run_dir(kNetnsRunDir);
    Dir dir(opendir(run_dir.c_str()));
    if (!dir) {
        if (errno == ENOENT) return found;
        sys::throw_kernel_error(fmt::format("list {}", run_dir), errno);
    }
    while (const dirent* entry = readdir(dir.get())) {
        const std::string name = entry->d_name;
        if (name == "." || name == ".." || !name.starts_with(prefix)) continue;
        found.push_back({name, ns_id_of(netns_path(name)), {}});
    }
    if (found.empty()) return found;
    assign_processes(found);
    return found;
}

// A process pinned by its pidfd, so that a recycled pid can never be signalled by mistake.
struct PidFd {
    pid_t pid;
    sys::UniqueFd fd;
};

// Through syscall(): glibc 2.36's <sys/pidfd.h> declares these without C linkage.
int pidfd_open(pid_t pid) { return static_cast<int>(syscall(SYS_pidfd_open, pid, 0)); }
int pidfd_send_signal(int pidfd, int sig) { return static_cast<int>(syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0)); }

// The pid may have been reused since the scan. A pidfd pins one process: if /proc/PID is
// still in the namespace after it was opened, the pidfd is that process, and the signal can
// only reach it (or fail with ESRCH if it has just exited).
std::optional<PidFd> kill_if_still_inside(pid_t pid, const NsId& ns, CleanReport& report) {
    PidFd pidfd{pid, sys::UniqueFd(pidfd_open(pid))};
    if (!pidfd.fd) {
        if (errno != ESRCH) report.problems.push_back(fmt::format("pid {}: pidfd_open: {}", pid, sys::describe_errno(errno)));
        return std::nullopt;
    }
    auto now = ns_id_of(fmt::format("/proc/{}/ns/net", pid));
    if (!now || !(*now == ns)) return std::nullopt;
    if (pidfd_send_signal(pidfd.fd.get(), SIGKILL) != 0) {
        if (errno != ESRCH) report.problems.push_back(fmt::format("pid {}: SIGKILL: {}", pid, sys::describe_errno(errno)));
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
            fds.push_back({killed[i].fd.get(), POLLIN, 0});
            which.push_back(i);
        }
        if (fds.empty()) return;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        const int n = poll(fds.data(), fds.size(), static_cast<int>(left.count()));
        if (n < 0 && errno != EINTR) {
            report.problems.push_back(fmt::format("wait for killed processes: {}", sys::describe_errno(errno)));
            return;
        }
        for (std::size_t k = 0; k < fds.size(); ++k)
            if (fds[k].revents) exited[which[k]] = true;
    }
    for (std::size_t i = 0; i < killed.size(); ++i)
        if (!exited[i])
            report.problems.push_back(
                fmt::format("pid {} did not exit within {} ms of SIGKILL", killed[i].pid, wait.count()));
}

void kill_all_found(const std::vector<Found>& found, std::chrono::milliseconds wait, CleanReport& report) {
    std::vector<PidFd> killed;
    for (const auto& f : found)
        for (pid_t pid : f.pids)
            if (auto pidfd = kill_if_still_inside(pid, *f.id, report)) killed.push_back(std::move(*pidfd));
    wait_for_exit(killed, wait, report);
}

CleanReport remove_found(std::vector<Found> found, std::chrono::milliseconds wait) {
    CleanReport report;
    kill_all_found(found, wait, report);

    for (const auto& f : found) {
        const std::string path = netns_path(f.name);
        // EINVAL: not a mount point, a placeholder left between create and bind-mount.
        if (umount2(path.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) != 0 && errno != EINVAL && errno != ENOENT)
            report.problems.push_back(fmt::format("unmount {}: {}", path, sys::describe_errno(errno)));
        if (::unlink(path.c_str()) != 0) {
            if (errno != ENOENT) report.problems.push_back(fmt::format("remove {}: {}", path, sys::describe_errno(errno)));
            continue;
        }
        report.namespaces_removed.push_back(f.name);
    }
    return report;
}

}  // namespace

std::vector<Leftover> find_leftovers(const std::string& prefix) {
    std::vector<Leftover> leftovers;
    for (auto& f : scan(prefix)) leftovers.push_back({std::move(f.name), std::move(f.pids)});
    return leftovers;
}

CleanReport kill_processes_in(const std::vector<int>& netns_fds, std::chrono::milliseconds wait) {
    CleanReport report;
    std::vector<Found> found;
    for (int fd : netns_fds) {
        struct stat st {};
        if (fstat(fd, &st) == 0) found.push_back({"", NsId{st.st_dev, st.st_ino}, {}});
    }
    if (found.empty()) return report;
    assign_processes(found);
    kill_all_found(found, wait, report);
    return report;
}

CleanReport clean_leftovers(const std::string& prefix, std::chrono::milliseconds wait) {
    return remove_found(scan(prefix), wait);
}

CleanReport clean_namespaces(const std::vector<std::string>& names, std::chrono::milliseconds wait) {
    std::vector<Found> found = scan(kDefaultLeftoverPrefix);
    std::erase_if(found, [&](const Found& f) { return std::find(names.begin(), names.end(), f.name) == names.end(); });
    return remove_found(std::move(found), wait);
}

}  // namespace lab::runner
