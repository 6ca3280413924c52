#include "sys/path_walk.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "sys/directory.hpp"
#include "sys/kernel_error.hpp"

namespace fs = std::filesystem;

namespace lab::sys {
namespace {

void require_invoker_may(int fd, const Credentials& who, int access, const fs::path& where) {
    // The bits are judged, not ACLs: one that could deny what the bits allow is refused rather than guessed.
    if (has_access_acl(fd))
        throw std::runtime_error(fmt::format("{}: carries an ACL; under sudo lab judges what uid {} ({}) may do by "
                                             "the permission bits alone and will not go there for them",
                                             where.string(), who.uid, who.name));
    if (permits(stat_of(fd, where), who, access)) return;
    if (access & W_OK)
        throw std::runtime_error(fmt::format("{}: uid {} ({}, who ran sudo) may not create files here; under sudo lab "
                                             "writes only where its caller could (choose another directory with --out)",
                                             where.string(), who.uid, who.name));
    throw std::runtime_error(fmt::format("{}: uid {} ({}) may not enter this directory; under sudo lab goes only where "
                                         "its caller could",
                                         where.string(), who.uid, who.name));
}

// A symlink on the way is followed only when nobody but a trusted user could have put it there: its owner
// passes the rule, and it sits in a directory that was itself checked.
std::string trusted_link_target(int dirfd, const std::string& name, const fs::path& where, const WalkRules& rules) {
    struct stat st {};
    if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        throw_kernel_error(fmt::format("stat {}", where.string()), errno);
    if (!S_ISLNK(st.st_mode)) throw std::runtime_error(fmt::format("{}: not a directory", where.string()));
    if (!rules.link_owner_ok(st.st_uid))
        throw std::runtime_error(fmt::format("{}: a symlink owned by uid {}; lab runs as root and follows only "
                                             "symlinks that {} owns",
                                             where.string(), st.st_uid,
                                             rules.link_owner_ok == trusted_link_owner ? "root" : "a trusted user"));
    char target[PATH_MAX];
    const ssize_t n = ::readlinkat(dirfd, name.c_str(), target, sizeof target - 1);
    if (n < 0) throw_kernel_error(fmt::format("read symlink {}", where.string()), errno);
    return std::string(target, static_cast<std::size_t>(n));
}

bool is_empty_directory(int fd) {
    UniqueFd listing(::openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!listing) return false;
    std::unique_ptr<DIR, int (*)(DIR*)> d(::fdopendir(listing.get()), &::closedir);
    if (!d) return false;
    listing.release();
    while (const dirent* e = ::readdir(d.get())) {
        const std::string_view n = e->d_name;
        if (n != "." && n != "..") return false;
    }
    return true;
}

void require_lab_owned(int fd, const fs::path& where) {
    const uid_t owner = stat_of(fd, where).st_uid;
    if (!trusted_link_owner(owner))
        throw std::runtime_error(fmt::format("{}: owned by uid {}, not root", where.string(), owner));
}

UniqueFd walk(UniqueFd start, fs::path start_path, const fs::path& path, const WalkRules& rules, int& links) {
    UniqueFd dir = std::move(start);
    fs::path here = std::move(start_path);
    std::vector<std::string> parts;
    for (const fs::path& part : path.relative_path()) {
        const std::string name = part.string();
        if (!name.empty() && name != ".") parts.push_back(name);
    }
    for (std::size_t i = 0; i < parts.size(); ++i) {
        const std::string& name = parts[i];
        const bool last = i + 1 == parts.size();
        if (name == "..") {
            // The lexically normal path has none left but for a symlink's target: go up from here.
            here = here.parent_path();
            UniqueFd up(::openat(dir.get(), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            if (!up) throw_kernel_error(fmt::format("open {}", here.string()), errno);
            require_trusted_directory(up.get(), here);
            if (rules.lab_owned_only) require_lab_owned(up.get(), here);
            if (rules.acting_for) require_invoker_may(up.get(), *rules.acting_for, X_OK, here);
            dir = std::move(up);
            continue;
        }
        const fs::path next_path = here / name;
        UniqueFd next = open_dir_at(dir.get(), name);
        bool made = false;
        if (!next && errno == ENOENT && rules.create) {
            if (rules.acting_for)
                require_invoker_may(dir.get(), *rules.acting_for, W_OK | X_OK, here);
            next = make_verified_directory(dir.get(), name, next_path, *rules.create, rules.acting_for, true);
            made = next.valid();
            if (!made) next = open_dir_at(dir.get(), name);  // another run made it first: checked below
        }
        if (!next && errno == ENOENT) return UniqueFd();
        if (!next && (errno == ELOOP || errno == ENOTDIR)) {
            if (++links > kMaxSymlinks) throw_kernel_error(fmt::format("open {}", next_path.string()), ELOOP);
            const fs::path target = trusted_link_target(dir.get(), name, next_path, rules);
            UniqueFd from = target.is_absolute() ? UniqueFd(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC))
                                                 : UniqueFd(::dup(dir.get()));
            if (!from) throw_kernel_error("open /", errno);
            WalkRules inner = rules;
            inner.write_last = last && rules.write_last;
            next = walk(std::move(from), target.is_absolute() ? fs::path("/") : here, target, inner, links);
            if (!next) return next;
            here = next_path;
            dir = std::move(next);
            continue;
        }
        if (!next) throw_kernel_error(fmt::format("open {}", next_path.string()), errno);
        if (!made) {
            require_trusted_directory(next.get(), next_path);
            if (rules.lab_owned_only) require_lab_owned(next.get(), next_path);
            if (rules.acting_for)
                require_invoker_may(next.get(), *rules.acting_for,
                                    last && rules.write_last ? (W_OK | X_OK) : X_OK, next_path);
        }
        dir = std::move(next);
        here = next_path;
    }
    return dir;
}

}  // namespace

WalkRules caller_write_rules(std::optional<mode_t> create) {
    WalkRules r;
    r.acting_for = sudo_invoker();
    r.create = create;
    return r;
}

WalkRules lab_state_rules(std::optional<mode_t> create) {
    WalkRules r;
    r.create = create;
    return r;
}

void require_trusted_directory(int fd, const fs::path& where) {
    if (auto why = untrusted_directory_reason(stat_of(fd, where)))
        throw std::runtime_error(fmt::format("{}: {}; lab runs as root and will not use what lies below it (choose "
                                             "another directory, or fix its owner and mode)",
                                             where.string(), *why));
}

bool has_access_acl(int fd) { return ::fgetxattr(fd, "system.posix_acl_access", nullptr, 0) >= 0; }

void require_freshly_made(int fd, const fs::path& where) {
    const struct stat st = stat_of(fd, where);
    const bool empty = is_empty_directory(fd);
    if (S_ISDIR(st.st_mode) && st.st_uid == ::geteuid() && empty) return;
    throw std::runtime_error(fmt::format("{}: replaced right after lab created it (now owned by uid {}{}); refusing to "
                                         "write there",
                                         where.string(), st.st_uid, empty ? "" : ", not empty"));
}

namespace {

// Opens what `made` names in `parent` (a directory lab just made), verifies it and gives it owner and mode.
UniqueFd open_and_finish(int parent, const std::string& made, const fs::path& where, const fs::path& made_path,
                         mode_t mode, const std::optional<Credentials>& owner) {
    UniqueFd fd = open_dir_at(parent, made);
    if (!fd) {
        const int err = errno;
        if (err == ELOOP || err == ENOTDIR)
            throw std::runtime_error(fmt::format("{}: replaced by something else (not a directory) right after lab "
                                                 "created it; refusing to write there",
                                                 made_path.string()));
        throw_kernel_error(fmt::format("open {}", made_path.string()), err);
    }
    require_freshly_made(fd.get(), made_path);
    if (owner && ::fchown(fd.get(), owner->uid, owner->gid) != 0)
        throw_kernel_error(fmt::format("chown {} to uid {}", where.string(), owner->uid), errno);
    if (::fchmod(fd.get(), mode) != 0) throw_kernel_error(fmt::format("chmod {}", where.string()), errno);
    return fd;
}

// Where the file system cannot rename without replacing (9p, as a VM guest's results share is): made in
// place, 0700 until verified. Two lab processes making the same directory at once may then meet it unfinished.
UniqueFd make_in_place(int parent, const std::string& name, const fs::path& where, mode_t mode,
                       const std::optional<Credentials>& owner, bool exist_ok) {
    if (::mkdirat(parent, name.c_str(), 0700) != 0) {
        if (errno == EEXIST && exist_ok) return UniqueFd();
        throw_kernel_error(fmt::format("create directory {}", where.string()), errno);
    }
    return open_and_finish(parent, name, where, where, mode, owner);
}

}  // namespace

UniqueFd make_verified_directory(int parent, const std::string& name, const fs::path& where, mode_t mode,
                                 const std::optional<Credentials>& owner, bool exist_ok) {
    // Made under a temporary name, 0700, verified, given its owner and mode, and only then renamed into
    // place without replacing anything: whoever opens `name` meets either nothing or a finished directory
    // (another lab process making the same runs/ at the same moment included).
    // A name nobody can guess ahead, so that nobody can take it first in a shared directory.
    static thread_local std::mt19937_64 random{std::random_device{}()};
    std::string temporary;
    for (int attempt = 0;; ++attempt) {
        temporary = fmt::format(".lab-mkdir-{:016x}", random());
        if (::mkdirat(parent, temporary.c_str(), 0700) == 0) break;
        if (errno != EEXIST || attempt == 8)
            throw_kernel_error(fmt::format("create directory {}", (where.parent_path() / temporary).string()), errno);
    }
    const fs::path temporary_path = where.parent_path() / temporary;
    auto discard = [&] { ::unlinkat(parent, temporary.c_str(), AT_REMOVEDIR); };
    UniqueFd fd;
    try {
        fd = open_and_finish(parent, temporary, where, temporary_path, mode, owner);
    } catch (...) {
        discard();
        throw;
    }
    if (::renameat2(parent, temporary.c_str(), parent, name.c_str(), RENAME_NOREPLACE) != 0) {
        const int err = errno;
        discard();
        if (err == EINVAL || err == ENOSYS) return make_in_place(parent, name, where, mode, owner, exist_ok);
        if (err == EEXIST && exist_ok) return UniqueFd();
        throw_kernel_error(fmt::format("create directory {}", where.string()), err);
    }
    // What now has the name must be what we hold: the parent's owner may have swapped the temporary one.
    struct stat placed {};
    const struct stat held = stat_of(fd.get(), where);
    if (::fstatat(parent, name.c_str(), &placed, AT_SYMLINK_NOFOLLOW) != 0 || placed.st_ino != held.st_ino ||
        placed.st_dev != held.st_dev)
        throw std::runtime_error(fmt::format("{}: replaced while lab created it; refusing to write there", where.string()));
    return fd;
}

UniqueFd walk_directories(UniqueFd start, fs::path start_path, const fs::path& path, const WalkRules& rules) {
    int links = 0;
    return walk(std::move(start), std::move(start_path), path, rules, links);
}

UniqueFd walk_from_root(const fs::path& absolute, const WalkRules& rules) {
    UniqueFd root(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw_kernel_error("open /", errno);
    require_trusted_directory(root.get(), "/");
    return walk_directories(std::move(root), "/", absolute, rules);
}

struct stat stat_of(int fd, const fs::path& what) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw_kernel_error(fmt::format("stat {}", what.string()), errno);
    return st;
}

UniqueFd open_dir_at(int dirfd, const std::string& name) {
    return UniqueFd(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
}

}  // namespace lab::sys
