#pragma once
// Who lab acts for. As plain root, root itself. Under `sudo lab`, the user who ran sudo ($SUDO_UID): lab
// still needs root to build namespaces, but it writes only where that user could write, reads scenarios only
// that user (or root) controls, and runs a scenario's programs as that user unless a root-owned scenario
// says otherwise. That is what makes allowing `sudo lab` something less than "root for every command".
#include <sys/stat.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace lab::sys {

// A user's identity as the kernel checks it: uid, primary gid, supplementary groups.
struct Credentials {
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
    std::string name;  // the passwd name, or the uid as text when it has none

    bool operator==(const Credentials&) const = default;
};

// The user who ran `sudo lab`, when lab runs with euid 0 and $SUDO_UID names someone other than root;
// nullopt otherwise. $SUDO_GID gives the primary group when the uid has no passwd entry.
std::optional<Credentials> sudo_invoker();

// The credentials of a user named by passwd name or by number ("nobody", "65534"). Throws
// std::runtime_error naming the user when there is no such user (a bare number is always accepted: its
// group is then the passwd entry's, or the same number).
Credentials credentials_of(const std::string& user);

// Whether `who` may access a file with this stat as the kernel's permission bits say (owner, then
// group, then others; root's override and ACLs are not counted, so the answer errs on "no"). `access` is
// a mask of R_OK, W_OK and X_OK.
bool permits(const struct stat& st, const Credentials& who, int access);

// Owners whose files and directories lab trusts: root, lab's own effective uid and the sudo invoker.
bool trusted_owner(uid_t uid);

// Owners whose symlinks lab follows on the way to a place it writes: root and lab's effective uid only.
// Under sudo the invoker's links are not followed: they could point lab at a place the invoker may not
// write.
bool trusted_link_owner(uid_t uid);

}  // namespace lab::sys
