#include "sys/trusted_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <climits>
#include <stdexcept>

#include <fmt/format.h>

#include "sys/kernel_error.hpp"
#include "sys/path_walk.hpp"

namespace fs = std::filesystem;

namespace lab::sys {
namespace {

struct OpenedFile {
    UniqueFd fd;
    fs::path path;  // the file's own path once symlinks are resolved, for messages
    struct stat st {};
};

// Opens `path` through a checked walk; a symlink at the end is followed when a trusted user owns it (the
// walk then starts again at its target). `reader` must be able to reach it, when set.
OpenedFile open_trusted(const fs::path& path, const std::optional<Credentials>& reader) {
    fs::path current = fs::absolute(path).lexically_normal();
    for (int links = 0; links <= kMaxSymlinks; ++links) {
        if (current.filename().empty() || current == current.root_path())
            throw std::runtime_error(fmt::format("{}: not a file", current.string()));
        WalkRules rules;
        rules.link_owner_ok = trusted_owner;
        rules.acting_for = reader;
        rules.write_last = false;
        const UniqueFd dir = walk_from_root(current.parent_path(), rules);
        if (!dir) throw_kernel_error(fmt::format("open {}", current.parent_path().string()), ENOENT);
        const std::string name = current.filename().string();
        struct stat st {};
        if (::fstatat(dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            throw_kernel_error(fmt::format("open {}", current.string()), errno);
        if (S_ISLNK(st.st_mode)) {
            if (!trusted_owner(st.st_uid))
                throw std::runtime_error(fmt::format("{}: a symlink owned by uid {} (another user); lab runs as root and "
                                                     "will not follow it",
                                                     current.string(), st.st_uid));
            char target[PATH_MAX];
            const ssize_t n = ::readlinkat(dir.get(), name.c_str(), target, sizeof target - 1);
            if (n < 0) throw_kernel_error(fmt::format("read symlink {}", current.string()), errno);
            const fs::path to(std::string(target, static_cast<std::size_t>(n)));
            current = (to.is_absolute() ? to : current.parent_path() / to).lexically_normal();
            continue;
        }
        // O_NONBLOCK: a FIFO put here must not hang lab; it is refused below as not a regular file.
        UniqueFd fd(::openat(dir.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
        if (!fd) throw_kernel_error(fmt::format("open {}", current.string()), errno);
        OpenedFile f;
        if (::fstat(fd.get(), &f.st) != 0) throw_kernel_error(fmt::format("stat {}", current.string()), errno);
        if (!S_ISREG(f.st.st_mode)) throw std::runtime_error(fmt::format("{}: not a regular file", current.string()));
        if (!trusted_owner(f.st.st_uid))
            throw std::runtime_error(fmt::format("{}: owned by uid {} (another user); lab runs as root and runs only "
                                                 "what root, you or the user who ran sudo own",
                                                 current.string(), f.st.st_uid));
        if (f.st.st_mode & (S_IWGRP | S_IWOTH))
            throw std::runtime_error(fmt::format("{}: writable by {} (mode {:04o}); lab runs as root and will not run "
                                                 "what another user could change (chmod go-w it)",
                                                 current.string(), (f.st.st_mode & S_IWOTH) ? "every user" : "its group",
                                                 f.st.st_mode & 07777));
        f.fd = std::move(fd);
        f.path = current;
        return f;
    }
    throw_kernel_error(fmt::format("open {}", path.string()), ELOOP);
}

}  // namespace

std::string read_trusted_file(const fs::path& path, std::size_t max_bytes) {
    const auto reader = sudo_invoker();
    OpenedFile f = open_trusted(path, reader);
    if (reader && has_access_acl(f.fd.get()))
        throw std::runtime_error(fmt::format("{}: carries an ACL; under sudo lab judges what uid {} ({}) may read by the "
                                             "permission bits alone and will not read it for them",
                                             f.path.string(), reader->uid, reader->name));
    if (reader && !permits(f.st, *reader, R_OK))
        throw std::runtime_error(fmt::format("{}: uid {} ({}, who ran sudo) may not read it; under sudo lab reads only "
                                             "what its caller could",
                                             f.path.string(), reader->uid, reader->name));
    if (static_cast<std::size_t>(f.st.st_size) > max_bytes)
        throw std::runtime_error(fmt::format("{}: {} bytes; at most {} are read", f.path.string(), f.st.st_size, max_bytes));
    std::string out;
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(f.fd.get(), buffer, sizeof buffer);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw_kernel_error(fmt::format("read {}", f.path.string()), errno);
        }
        if (n == 0) break;
        if (out.size() + static_cast<std::size_t>(n) > max_bytes)
            throw std::runtime_error(fmt::format("{}: more than {} bytes", f.path.string(), max_bytes));
        out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
}

std::string require_trusted_executable(const fs::path& path, const std::optional<Credentials>& runs_as) {
    OpenedFile f = open_trusted(path, runs_as);
    if (!(f.st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
        throw std::runtime_error(fmt::format("{}: not executable (mode {:04o})", f.path.string(), f.st.st_mode & 07777));
    if (runs_as && !permits(f.st, *runs_as, X_OK))
        throw std::runtime_error(fmt::format("{}: uid {} ({}) may not execute it (mode {:04o})", f.path.string(),
                                             runs_as->uid, runs_as->name, f.st.st_mode & 07777));
    return f.path.string();
}

std::string trusted_search_path(std::string_view path) {
    std::string kept;
    for (std::size_t start = 0; start <= path.size();) {
        const std::size_t end = std::min(path.find(':', start), path.size());
        const std::string entry(path.substr(start, end - start));
        start = end + 1;
        if (entry.empty() || entry.front() != '/') continue;
        // Kept as walked: a '..' after a symlink goes elsewhere for the kernel than for the lexical walk.
        const fs::path normal = fs::path(entry).lexically_normal();
        if (normal != fs::path(entry) && normal.string() + "/" != entry) continue;
        try {
            WalkRules rules;
            rules.write_last = false;
            rules.lab_owned_only = true;
            if (!walk_from_root(normal, rules)) continue;
        } catch (const std::exception&) {
            continue;
        }
        if (!kept.empty()) kept += ':';
        kept += normal.string();
    }
    return kept;
}

}  // namespace lab::sys
