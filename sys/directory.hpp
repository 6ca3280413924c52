#pragma once
// A directory that lab writes into as root, held by its descriptor. Everything inside is created
// relative to that descriptor (mkdirat/openat with O_NOFOLLOW, new files with O_EXCL and an explicit
// mode), so a user who swaps a path component for a symlink, or renames the directory and puts one of
// their own in its place, cannot make lab write anywhere else: lab keeps writing into the directory it
// opened, wherever it now is.
//
// Getting there is checked too (sys/path_walk.hpp): every existing component on the way must be a real
// directory owned by root, by lab's user or by the user who ran sudo, and must not be writable by anyone
// else unless it is sticky (like /tmp: others may not rename or remove what is ours in it); a symlink is
// followed only when root owns it. A directory lab creates is verified to be the one it made before it is
// used. Under sudo, a directory lab writes for its caller must be one the caller could write into, and
// what lab creates there is the caller's (chown). Modes are given explicitly and set with fchmod, so
// lab's umask never widens them.
#include <sys/stat.h>
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sys/invoker.hpp"
#include "sys/unique_fd.hpp"

namespace lab::sys {

struct WalkRules;  // sys/path_walk.hpp

class Directory {
public:
    // Opens `path` (absolute, or relative to the working directory), creating it and any missing parents
    // with `mode`. Throws std::runtime_error naming the component that is not safe and why, or the
    // failing call and its errno name.
    static Directory open_or_create(const std::filesystem::path& path, mode_t mode = 0755);
    // Opens an existing directory under the same checks; nullopt when it does not exist.
    static std::optional<Directory> open_existing(const std::filesystem::path& path);
    // The same for lab's own state (/run/lab, /var/cache/lab): checked, but written with lab's own
    // permissions and kept root's under sudo.
    static Directory open_or_create_lab_state(const std::filesystem::path& path, mode_t mode = 0755);
    static std::optional<Directory> open_existing_lab_state(const std::filesystem::path& path);

    Directory(Directory&&) noexcept = default;
    Directory& operator=(Directory&&) noexcept = default;
    // Another owner of the same open directory (a dup'ed descriptor).
    Directory duplicate() const;

    // A new subdirectory (one path component); EEXIST is an error: a name lab did not just create is
    // never trusted as its own, and what it opens after mkdirat is verified to be what it created.
    Directory create_subdirectory(std::string_view name, mode_t mode = 0755) const;
    // A subdirectory that may exist already (then it must pass the same checks as a path component).
    Directory subdirectory(std::string_view name, mode_t mode = 0755) const;
    // An existing subdirectory, checked; nullopt when there is none.
    std::optional<Directory> existing_subdirectory(std::string_view name) const;

    // A new file for writing (O_CREAT|O_EXCL|O_NOFOLLOW): a name that exists, symlink or not, is an error.
    UniqueFd create_file(std::string_view name, mode_t mode = 0644) const;
    // A fresh file under `name`, replacing (unlinking) whatever regular file or symlink was there; the
    // directory itself is lab's, so nobody else can put one back in between.
    UniqueFd replace_file(std::string_view name, mode_t mode = 0644) const;
    // Writes the whole file at once: a temporary name, then renameat over `name` (replacing a regular
    // file lab wrote before, never following a symlink).
    void write_file(std::string_view name, std::string_view content, mode_t mode = 0644) const;
    // Reads a regular file in this directory (O_NOFOLLOW); nullopt when it does not exist.
    std::optional<std::string> read_file(std::string_view name) const;
    bool contains(std::string_view name) const;
    // The names in it ("." and ".." left out), in no particular order.
    std::vector<std::string> entries() const;
    // Removes a file, or a directory with everything in it, without following symlinks.
    void remove(std::string_view name) const;

    int fd() const { return fd_.get(); }
    const std::filesystem::path& path() const { return path_; }  // for messages and records only

private:
    Directory(UniqueFd fd, std::filesystem::path path, std::optional<Credentials> owner)
        : fd_(std::move(fd)), path_(std::move(path)), owner_(std::move(owner)) {}
    static Directory open_with(const std::filesystem::path& path, const WalkRules& rules);
    WalkRules rules_below(std::optional<mode_t> create) const;

    UniqueFd fd_;
    std::filesystem::path path_;
    std::optional<Credentials> owner_;  // under sudo, for a caller's directory: who owns what lab makes here
};

// Why a directory with this stat would let another user swap what lab writes, or nullopt. Exposed for
// tests; the trusted owners are root, lab's effective uid and the sudo invoker (sys/invoker.hpp).
std::optional<std::string> untrusted_directory_reason(const struct stat& st);

// A single path component: not empty, not "." or "..", no '/'.
bool is_single_component(std::string_view name);

}  // namespace lab::sys
