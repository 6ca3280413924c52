#pragma once
// What `sudo lab` may do for the user who ran it (sys/invoker.hpp), decided once per command: read-only
// commands become that user outright, the VM path is refused, and as root lab searches only trusted
// directories for programs.
#include <string_view>

namespace lab::cli {

// As root: $PATH keeps only absolute directories that pass the trust rule (sys/trusted_file.hpp), for
// lab's own lookups and for every program it starts. First thing in main.
void keep_trusted_path();

// Under sudo, become the caller for good (groups, gid, uid): a command that only reads records and
// scenarios needs no root, and must not read as root what the caller could not. A no-op otherwise.
void act_as_caller_under_sudo();

// Under sudo: prints that `what` is refused and `why`, and returns false. True otherwise. The default reason
// is the VM path's: its guest runs every program as root and shares the host's files with it.
bool allowed_under_sudo(std::string_view what,
                        std::string_view why = "its guest runs every program as root and shares the host's files with it");

}  // namespace lab::cli
