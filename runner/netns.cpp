#include "runner/netns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <mutex>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "runner/netlink_socket.hpp"
#include "sys/kernel_error.hpp"

namespace lab::runner {
namespace {

std::string path_of(const std::string& name) { return fmt::format("{}/{}", kNetnsRunDir, name); }

}  // namespace

// As iproute2 does: /run/netns must be a shared mount so that removing a namespace in one mount
// namespace removes it in the others too, letting the kernel free it; if it is not a mount
// point yet, make it one by binding it onto itself.
void ensure_netns_run_dir() {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    const std::string dir(kNetnsRunDir);
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
        sys::throw_kernel_error(fmt::format("create directory {}", dir), errno);
    bool bound = false;
    while (mount("", dir.c_str(), "none", MS_SHARED | MS_REC, nullptr) != 0) {
        if (errno != EINVAL || bound)
            sys::throw_kernel_error(fmt::format("make {} a shared mount", dir), errno);
        if (mount(dir.c_str(), dir.c_str(), "none", MS_BIND | MS_REC, nullptr) != 0)
            sys::throw_kernel_error(fmt::format("bind-mount {} onto itself", dir), errno);
        bound = true;
    }
}

std::optional<std::string> check_netns_name(std::string_view name) {
    if (name.empty()) return "namespace name is empty";
    if (name.size() > NAME_MAX)
        return fmt::format("namespace name '{}' is longer than {} characters", name, NAME_MAX);
    if (name == "." || name == "..") return fmt::format("namespace name '{}' is reserved", name);
    for (char c : name) {
        // Printable ASCII without '/' keeps the name a single path component and safe in messages.
        if (c == '/' || c <= ' ' || c > '~')
            return fmt::format("namespace name '{}' contains '/', a space or a non-printable character",
                               name);
    }
    return std::nullopt;
}

Netns Netns::create(const std::string& name) {
    if (auto problem = check_netns_name(name)) throw std::invalid_argument(*problem);
    ensure_netns_run_dir();
    return detail::run_on_fresh_thread([&] { return create_from_this_thread(name); });
}

Netns Netns::create_from_this_thread(const std::string& name) {
    if (auto problem = check_netns_name(name)) throw std::invalid_argument(*problem);
    const std::string what = fmt::format("create netns {}", name);
    const std::string path = path_of(name);

    int placeholder = ::open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
    if (placeholder < 0) sys::throw_kernel_error(what, errno);
    ::close(placeholder);

    if (unshare(CLONE_NEWNET) != 0) {
        const int err = errno;
        ::unlink(path.c_str());
        sys::throw_kernel_error(what + ": unshare", err);
    }
    // thread-self: /proc/self/ns/net would be the main thread's namespace, not the new one.
    if (mount("/proc/thread-self/ns/net", path.c_str(), "none", MS_BIND, nullptr) != 0) {
        const int err = errno;
        ::unlink(path.c_str());
        sys::throw_kernel_error(fmt::format("{}: bind-mount onto {}", what, path), err);
    }

    Netns ns;
    ns.name_ = name;
    ns.mounted_ = true;  // from here on, a failure removes it through the destructor
    ns.fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (ns.fd_ < 0) sys::throw_kernel_error(fmt::format("{}: open {}", what, path), errno);
    struct stat st {};
    if (fstat(ns.fd_, &st) != 0) sys::throw_kernel_error(fmt::format("{}: stat {}", what, path), errno);
    ns.inode_ = st.st_ino;
    return ns;
}

Netns::Netns(Netns&& other) noexcept
    : name_(std::move(other.name_)),
      fd_(std::exchange(other.fd_, -1)),
      inode_(std::exchange(other.inode_, 0)),
      mounted_(std::exchange(other.mounted_, false)) {}

Netns& Netns::operator=(Netns&& other) noexcept {
    if (this != &other) {
        remove();
        name_ = std::move(other.name_);
        fd_ = std::exchange(other.fd_, -1);
        inode_ = std::exchange(other.inode_, 0);
        mounted_ = std::exchange(other.mounted_, false);
    }
    return *this;
}

Netns::~Netns() { remove(); }

void Netns::release() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    mounted_ = false;
}

void Netns::remove() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (!mounted_) return;
    mounted_ = false;
    // MNT_DETACH: processes still inside keep the namespace alive; the name goes now regardless.
    const std::string path = path_of(name_);
    umount2(path.c_str(), MNT_DETACH);
    ::unlink(path.c_str());
}

void detail::enter_netns(const Netns& ns) {
    if (setns(ns.fd(), CLONE_NEWNET) != 0)
        sys::throw_kernel_error(fmt::format("enter netns {}", ns.name()), errno);
}

}  // namespace lab::runner
