#include "sys/directory.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "sys/kernel_error.hpp"

namespace fs = std::filesystem;

namespace lab::sys {
namespace {

constexpr int kMaxSymlinks = 40;  // as the kernel's own path walk

bool trusted_uid(uid_t uid) {
    if (uid == 0 || uid == ::geteuid()) return true;
    // `sudo lab run` from a user's own checkout: that user already has root's trust.
    if (const char* sudo = std::getenv("SUDO_UID")) {
        char* end = nullptr;
        const unsigned long v = std::strtoul(sudo, &end, 10);
        if (end && *end == '\0' && end != sudo && v == uid) return true;
    }
    return false;
}

struct stat stat_of(int fd, const fs::path& what) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw_kernel_error(fmt::format("stat {}", what.string()), errno);
    return st;
}

void require_trusted(int fd, const fs::path& what) {
    if (auto why = untrusted_directory_reason(stat_of(fd, what)))
        throw std::runtime_error(fmt::format("{}: {}; lab runs as root and will not write below it (choose another "
                                             "directory with --out, or fix its owner and mode)",
                                             what.string(), *why));
}

UniqueFd open_dir_at(int dirfd, const std::string& name) {
    return UniqueFd(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
}

// A symlink on the way is followed only when nobody but a trusted user could have put it there: it is
// owned by one, and it sits in a directory that was itself checked.
std::string trusted_link_target(int dirfd, const std::string& name, const fs::path& where) {
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        throw_kernel_error(fmt::format("stat {}", where.string()), errno);
    if (!S_ISLNK(st.st_mode)) throw std::runtime_error(fmt::format("{}: not a directory", where.string()));
    if (!trusted_uid(st.st_uid))
        throw std::runtime_error(fmt::format("{}: a symlink owned by uid {} (another user); lab runs as root and "
                                             "will not follow it",
                                             where.string(), st.st_uid));
    char target[PATH_MAX];
    const ssize_t n = ::readlinkat(dirfd, name.c_str(), target, sizeof target - 1);
    if (n < 0) throw_kernel_error(fmt::format("read symlink {}", where.string()), errno);
    return std::string(target, static_cast<std::size_t>(n));
}

// Walks `path` one component at a time from `start` (a checked directory), creating what is missing
// when `create` is set. Returns the descriptor of the last component, or an invalid one when it does not
// exist and `create` is not set.
UniqueFd walk(UniqueFd start, fs::path start_path, const fs::path& path, std::optional<mode_t> create, int& links) {
    UniqueFd dir = std::move(start);
    fs::path here = std::move(start_path);
    for (const fs::path& part : path.relative_path()) {
        const std::string name = part.string();
        if (name.empty() || name == ".") continue;
        if (name == "..") {
            // The lexically normal path has none left but for a symlink's target: go up from here.
            here = here.parent_path();
            UniqueFd up(::openat(dir.get(), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            if (!up) throw_kernel_error(fmt::format("open {}", here.string()), errno);
            require_trusted(up.get(), here);
            dir = std::move(up);
            continue;
        }
        const fs::path next_path = here / name;
        UniqueFd next = open_dir_at(dir.get(), name);
        if (!next && errno == ENOENT && create) {
            if (::mkdirat(dir.get(), name.c_str(), *create) != 0 && errno != EEXIST)
                throw_kernel_error(fmt::format("create directory {}", next_path.string()), errno);
            next = open_dir_at(dir.get(), name);
            if (next && ::fchmod(next.get(), *create) != 0)
                throw_kernel_error(fmt::format("chmod {}", next_path.string()), errno);
        }
        if (!next && errno == ENOENT) return UniqueFd();
        if (!next && (errno == ELOOP || errno == ENOTDIR)) {
            if (++links > kMaxSymlinks) throw_kernel_error(fmt::format("open {}", next_path.string()), ELOOP);
            const fs::path target = trusted_link_target(dir.get(), name, next_path);
            UniqueFd from = target.is_absolute() ? UniqueFd(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC))
                                                 : UniqueFd(::dup(dir.get()));
            if (!from) throw_kernel_error("open /", errno);
            next = walk(std::move(from), target.is_absolute() ? fs::path("/") : here, target, create, links);
            if (!next) return next;
            here = next_path;
            dir = std::move(next);
            continue;
        }
        if (!next) throw_kernel_error(fmt::format("open {}", next_path.string()), errno);
        require_trusted(next.get(), next_path);
        dir = std::move(next);
        here = next_path;
    }
    return dir;
}

UniqueFd walk_from_root(const fs::path& absolute, std::optional<mode_t> create) {
    UniqueFd root(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw_kernel_error("open /", errno);
    require_trusted(root.get(), "/");
    int links = 0;
    return walk(std::move(root), "/", absolute, create, links);
}

void check_component(std::string_view name, const fs::path& in) {
    if (!is_single_component(name))
        throw std::invalid_argument(fmt::format("'{}' in {} is not a single file name", name, in.string()));
}

void write_all(int fd, std::string_view content, const fs::path& what) {
    while (!content.empty()) {
        const ssize_t n = ::write(fd, content.data(), content.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_kernel_error(fmt::format("write {}", what.string()), errno);
        }
        content.remove_prefix(static_cast<std::size_t>(n));
    }
}

std::vector<std::string> list_entries(int dirfd, const fs::path& what) {
    std::vector<std::string> entries;
    UniqueFd listing(::dup(dirfd));
    if (!listing) throw_kernel_error(fmt::format("list {}", what.string()), errno);
    std::unique_ptr<DIR, int (*)(DIR*)> d(::fdopendir(listing.get()), &::closedir);
    if (!d) throw_kernel_error(fmt::format("list {}", what.string()), errno);
    listing.release();  // the DIR owns it now
    ::rewinddir(d.get());  // the dup shares its offset with dirfd, which an earlier listing moved
    while (const dirent* e = ::readdir(d.get())) {
        const std::string n = e->d_name;
        if (n != "." && n != "..") entries.push_back(n);
    }
    return entries;
}

void remove_tree_at(int dirfd, const std::string& name, const fs::path& what) {
    if (::unlinkat(dirfd, name.c_str(), 0) == 0 || errno == ENOENT) return;
    if (errno != EISDIR && errno != EPERM) throw_kernel_error(fmt::format("remove {}", what.string()), errno);
    UniqueFd sub = open_dir_at(dirfd, name);
    if (!sub) throw_kernel_error(fmt::format("open {}", what.string()), errno);
    for (const auto& e : list_entries(sub.get(), what)) remove_tree_at(sub.get(), e, what / e);
    if (::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
        throw_kernel_error(fmt::format("remove {}", what.string()), errno);
}

}  // namespace

std::optional<std::string> untrusted_directory_reason(const struct stat& st) {
    if (!S_ISDIR(st.st_mode)) return "not a directory";
    if (!trusted_uid(st.st_uid)) return fmt::format("owned by uid {} (another user)", st.st_uid);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
        return fmt::format("writable by {} without the sticky bit (mode {:04o})",
                           (st.st_mode & S_IWOTH) ? "every user" : "its group", st.st_mode & 07777);
    return std::nullopt;
}

bool is_single_component(std::string_view name) {
    return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
           name.find('\0') == std::string_view::npos;
}

Directory Directory::open_or_create(const fs::path& path, mode_t mode) {
    const fs::path absolute = fs::absolute(path).lexically_normal();
    UniqueFd fd = walk_from_root(absolute, mode);
    return Directory(std::move(fd), absolute);
}

std::optional<Directory> Directory::open_existing(const fs::path& path) {
    const fs::path absolute = fs::absolute(path).lexically_normal();
    UniqueFd fd = walk_from_root(absolute, std::nullopt);
    if (!fd) return std::nullopt;
    return Directory(std::move(fd), absolute);
}

Directory Directory::create_subdirectory(std::string_view name, mode_t mode) const {
    check_component(name, path_);
    const std::string n(name);
    const fs::path p = path_ / n;
    if (::mkdirat(fd_.get(), n.c_str(), mode) != 0) throw_kernel_error(fmt::format("create directory {}", p.string()), errno);
    UniqueFd fd = open_dir_at(fd_.get(), n);
    if (!fd) throw_kernel_error(fmt::format("open {}", p.string()), errno);
    if (::fchmod(fd.get(), mode) != 0) throw_kernel_error(fmt::format("chmod {}", p.string()), errno);
    return Directory(std::move(fd), p);
}

Directory Directory::subdirectory(std::string_view name, mode_t mode) const {
    check_component(name, path_);
    int links = 0;
    UniqueFd start(::dup(fd_.get()));
    if (!start) throw_kernel_error(fmt::format("open {}", path_.string()), errno);
    UniqueFd fd = walk(std::move(start), path_, fs::path(std::string(name)), mode, links);
    return Directory(std::move(fd), path_ / std::string(name));
}

std::optional<Directory> Directory::existing_subdirectory(std::string_view name) const {
    check_component(name, path_);
    int links = 0;
    UniqueFd start(::dup(fd_.get()));
    if (!start) throw_kernel_error(fmt::format("open {}", path_.string()), errno);
    UniqueFd fd = walk(std::move(start), path_, fs::path(std::string(name)), std::nullopt, links);
    if (!fd) return std::nullopt;
    return Directory(std::move(fd), path_ / std::string(name));
}

UniqueFd Directory::create_file(std::string_view name, mode_t mode) const {
    check_component(name, path_);
    const std::string n(name);
    UniqueFd fd(::openat(fd_.get(), n.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!fd) throw_kernel_error(fmt::format("create {}", (path_ / n).string()), errno);
    if (::fchmod(fd.get(), mode) != 0) throw_kernel_error(fmt::format("chmod {}", (path_ / n).string()), errno);
    return fd;
}

UniqueFd Directory::replace_file(std::string_view name, mode_t mode) const {
    check_component(name, path_);
    const std::string n(name);
    if (::unlinkat(fd_.get(), n.c_str(), 0) != 0 && errno != ENOENT)
        throw_kernel_error(fmt::format("replace {}", (path_ / n).string()), errno);
    return create_file(name, mode);
}

void Directory::write_file(std::string_view name, std::string_view content, mode_t mode) const {
    check_component(name, path_);
    static std::atomic<unsigned> counter{0};
    const std::string n(name);
    const std::string temp = fmt::format(".{}.{}.{}.tmp", n, ::getpid(), counter.fetch_add(1));
    {
        UniqueFd fd = create_file(temp, mode);
        try {
            write_all(fd.get(), content, path_ / n);
        } catch (...) {
            ::unlinkat(fd_.get(), temp.c_str(), 0);
            throw;
        }
    }
    if (::renameat(fd_.get(), temp.c_str(), fd_.get(), n.c_str()) != 0) {
        const int err = errno;
        ::unlinkat(fd_.get(), temp.c_str(), 0);
        throw_kernel_error(fmt::format("write {}", (path_ / n).string()), err);
    }
}

std::optional<std::string> Directory::read_file(std::string_view name) const {
    check_component(name, path_);
    const std::string n(name);
    UniqueFd fd(::openat(fd_.get(), n.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) return std::nullopt;
        throw_kernel_error(fmt::format("open {}", (path_ / n).string()), errno);
    }
    if (!S_ISREG(stat_of(fd.get(), path_ / n).st_mode))
        throw std::runtime_error(fmt::format("{}: not a regular file", (path_ / n).string()));
    std::string out;
    char buf[65536];
    for (;;) {
        const ssize_t r = ::read(fd.get(), buf, sizeof buf);
        if (r < 0) {
            if (errno == EINTR) continue;
            throw_kernel_error(fmt::format("read {}", (path_ / n).string()), errno);
        }
        if (r == 0) break;
        out.append(buf, static_cast<std::size_t>(r));
    }
    return out;
}

bool Directory::contains(std::string_view name) const {
    check_component(name, path_);
    struct stat st {};
    return ::fstatat(fd_.get(), std::string(name).c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

std::vector<std::string> Directory::entries() const { return list_entries(fd_.get(), path_); }

Directory Directory::duplicate() const {
    UniqueFd fd(::dup(fd_.get()));
    if (!fd) throw_kernel_error(fmt::format("dup descriptor of {}", path_.string()), errno);
    return Directory(std::move(fd), path_);
}

void Directory::remove(std::string_view name) const {
    check_component(name, path_);
    remove_tree_at(fd_.get(), std::string(name), path_ / std::string(name));
}

}  // namespace lab::sys
