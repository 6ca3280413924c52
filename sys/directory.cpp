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
#include "sys/path_walk.hpp"

namespace fs = std::filesystem;

namespace lab::sys {
namespace {

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
    if (!trusted_owner(st.st_uid)) return fmt::format("owned by uid {} (another user)", st.st_uid);
    if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
        return fmt::format("writable by {} without the sticky bit (mode {:04o})",
                           (st.st_mode & S_IWOTH) ? "every user" : "its group", st.st_mode & 07777);
    return std::nullopt;
}

bool is_single_component(std::string_view name) {
    return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
           name.find('\0') == std::string_view::npos;
}

Directory Directory::open_with(const fs::path& path, const WalkRules& rules) {
    const fs::path absolute = fs::absolute(path).lexically_normal();
    UniqueFd fd = walk_from_root(absolute, rules);
    return Directory(std::move(fd), absolute, rules.acting_for);
}

Directory Directory::open_or_create(const fs::path& path, mode_t mode) { return open_with(path, caller_write_rules(mode)); }

std::optional<Directory> Directory::open_existing(const fs::path& path) {
    Directory d = open_with(path, caller_write_rules(std::nullopt));
    if (!d.fd_) return std::nullopt;
    return d;
}

Directory Directory::open_or_create_lab_state(const fs::path& path, mode_t mode) {
    return open_with(path, lab_state_rules(mode));
}

std::optional<Directory> Directory::open_existing_lab_state(const fs::path& path) {
    Directory d = open_with(path, lab_state_rules(std::nullopt));
    if (!d.fd_) return std::nullopt;
    return d;
}

WalkRules Directory::rules_below(std::optional<mode_t> create) const {
    WalkRules r;
    r.acting_for = owner_;
    r.create = create;
    return r;
}

Directory Directory::create_subdirectory(std::string_view name, mode_t mode) const {
    check_component(name, path_);
    const std::string n(name);
    const fs::path p = path_ / n;
    UniqueFd fd = make_verified_directory(fd_.get(), n, p, mode, owner_, false);
    return Directory(std::move(fd), p, owner_);
}

Directory Directory::subdirectory(std::string_view name, mode_t mode) const {
    check_component(name, path_);
    UniqueFd start(::dup(fd_.get()));
    if (!start) throw_kernel_error(fmt::format("open {}", path_.string()), errno);
    UniqueFd fd = walk_directories(std::move(start), path_, fs::path(std::string(name)), rules_below(mode));
    return Directory(std::move(fd), path_ / std::string(name), owner_);
}

std::optional<Directory> Directory::existing_subdirectory(std::string_view name) const {
    check_component(name, path_);
    UniqueFd start(::dup(fd_.get()));
    if (!start) throw_kernel_error(fmt::format("open {}", path_.string()), errno);
    UniqueFd fd = walk_directories(std::move(start), path_, fs::path(std::string(name)), rules_below(std::nullopt));
    if (!fd) return std::nullopt;
    return Directory(std::move(fd), path_ / std::string(name), owner_);
}

UniqueFd Directory::create_file(std::string_view name, mode_t mode) const {
    check_component(name, path_);
    const std::string n(name);
    UniqueFd fd(::openat(fd_.get(), n.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
    if (!fd) throw_kernel_error(fmt::format("create {}", (path_ / n).string()), errno);
    // Under sudo what lab writes for its caller is the caller's, as if they had written it themselves.
    if (owner_ && ::fchown(fd.get(), owner_->uid, owner_->gid) != 0)
        throw_kernel_error(fmt::format("chown {} to uid {}", (path_ / n).string(), owner_->uid), errno);
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
    // O_NONBLOCK: a FIFO someone put in our place must not hang lab; it is refused below.
    UniqueFd fd(::openat(fd_.get(), n.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) return std::nullopt;
        throw_kernel_error(fmt::format("open {}", (path_ / n).string()), errno);
    }
    const struct stat st = stat_of(fd.get(), path_ / n);
    if (!S_ISREG(st.st_mode)) throw std::runtime_error(fmt::format("{}: not a regular file", (path_ / n).string()));
    // In a directory of the sudo caller's, a hard link to a file only root may read must not be read for
    // them (where fs.protected_hardlinks is off): only files lab or the caller made, with one name, are.
    if (owner_ && (st.st_nlink != 1 || (st.st_uid != owner_->uid && st.st_uid != ::geteuid())))
        throw std::runtime_error(fmt::format("{}: not a file lab or uid {} made (owner uid {}, {} links)",
                                             (path_ / n).string(), owner_->uid, st.st_uid, st.st_nlink));
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
    return Directory(std::move(fd), path_, owner_);
}

void Directory::remove(std::string_view name) const {
    check_component(name, path_);
    remove_tree_at(fd_.get(), std::string(name), path_ / std::string(name));
}

}  // namespace lab::sys
