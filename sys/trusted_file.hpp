#pragma once
// What lab reads and runs as root passes the rule of what it writes. A scenario is a program that root
// runs, so its file, every directory on the way to it, and each executable it names must be owned by root,
// by lab's own user or by the user who ran sudo, and writable by nobody else (a directory on the way may be
// sticky, like /tmp: others cannot swap what is ours in it). Otherwise another user could put their own
// scenario, or their own `nc`, where root looks. Everything is opened through checked descriptors
// (sys/path_walk.hpp), so nothing can be swapped between the check and the read.
#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "sys/invoker.hpp"

namespace lab::sys {

// Reads a regular file under that rule, at most `max_bytes` of it (a larger file is refused). Symlinks owned
// by a trusted user are followed. Under sudo the caller must be able to read it themselves. Throws
// std::runtime_error saying which component was refused and why ("/tmp/x/scenarios: owned by uid 1001
// (another user)"), or the failing call and its errno name.
std::string read_trusted_file(const std::filesystem::path& path, std::size_t max_bytes);

// Checks an executable lab is about to start as root (or as `runs_as`): the same rule, a regular file with
// an execute bit; and, for `runs_as`, that this user may reach and execute it. Returns the path it checked,
// symlinks resolved and no '..' left, which is what must be executed. Throws std::runtime_error as
// read_trusted_file does.
std::string require_trusted_executable(const std::filesystem::path& path, const std::optional<Credentials>& runs_as);

// $PATH with only the entries lab may search as root: absolute directories without '.' or '..' whose every
// component is root's (or lab's own user's) and writable by nobody else, followed only through root's
// symlinks. "", ".", relative entries, the sudo caller's and any other user's directories go.
std::string trusted_search_path(std::string_view path);

}  // namespace lab::sys
