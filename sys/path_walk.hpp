#pragma once
// The checked walk from `/` to a directory that lab writes into or reads a scenario from, one component at
// a time through descriptors (sys/directory.hpp and sys/trusted_file.hpp stand on it). Every directory on
// the way must be owned by a trusted user (sys/invoker.hpp) and not writable by anyone else unless sticky;
// a symlink is followed only when its owner passes the walk's link rule. Under sudo, a walk on the
// invoker's behalf also asks that the invoker could have taken it: search permission on every directory,
// write permission where something is created.
#include <sys/stat.h>
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

#include "sys/invoker.hpp"
#include "sys/unique_fd.hpp"

namespace lab::sys {

// Symlinks one walk follows before it gives up with ELOOP, as the kernel's own path walk.
inline constexpr int kMaxSymlinks = 40;

struct WalkRules {
    // Whose symlinks are followed (trusted_link_owner for writes; reads may take trusted_owner).
    bool (*link_owner_ok)(uid_t) = trusted_link_owner;
    // The user the walk acts for, whose permissions it must have; nullopt: lab itself (its own state
    // under /run/lab and /var/cache/lab, or no sudo).
    std::optional<Credentials> acting_for;
    // Create what is missing, with this mode (and owned by acting_for when set).
    std::optional<mode_t> create;
    // Whether the last directory must be writable by acting_for (it will receive new files).
    bool write_last = true;
    // Every directory on the way must be owned by root or lab's euid (not the sudo caller): for a place
    // lab looks for programs it runs as root.
    bool lab_owned_only = false;
};

// The rules for a place that lab writes for its caller: the sudo invoker's permissions, when there is one.
WalkRules caller_write_rules(std::optional<mode_t> create);
// The rules for lab's own state (/run/lab, /var/cache/lab): lab's permissions alone.
WalkRules lab_state_rules(std::optional<mode_t> create);

// Walks `path` from `start` (an already checked directory whose path is `start_path`). Returns the last
// component's descriptor, or an invalid one when a component does not exist and `rules.create` is unset.
// Throws std::runtime_error naming the component that is not safe and why, or the failing call and its
// errno name.
UniqueFd walk_directories(UniqueFd start, std::filesystem::path start_path, const std::filesystem::path& path,
                          const WalkRules& rules);
// The same from `/` for an absolute, lexically normal path.
UniqueFd walk_from_root(const std::filesystem::path& absolute, const WalkRules& rules);

// A new directory `name` in `parent`, verified to be the one mkdirat just made (owned by lab's euid, empty)
// before it is handed to the invoker (chown) and given `mode`. Another user who swapped the name between
// mkdirat and openat is refused, naming the owner found. EEXIST is reported as errno, not thrown, when
// `exist_ok` (then the caller checks the existing directory as any other).
UniqueFd make_verified_directory(int parent, const std::string& name, const std::filesystem::path& where, mode_t mode,
                                 const std::optional<Credentials>& owner, bool exist_ok);

// Throws unless `fd` (at `where`) is a directory as mkdirat leaves it: owned by lab's euid and empty. What
// make_verified_directory checks between opening and using it.
void require_freshly_made(int fd, const std::filesystem::path& where);

// Whether a POSIX access ACL is set on it (permits() judges the permission bits only).
bool has_access_acl(int fd);

// Throws unless `fd` (a directory at `where`) passes the ownership and mode rule.
void require_trusted_directory(int fd, const std::filesystem::path& where);

// fstat(2) of what `fd` holds; throws KernelError "stat <what>".
struct stat stat_of(int fd, const std::filesystem::path& what);

// The directory `name` directly under `dirfd`, never through a symlink; an empty UniqueFd (errno set) when
// it cannot be opened.
UniqueFd open_dir_at(int dirfd, const std::string& name);

}  // namespace lab::sys
