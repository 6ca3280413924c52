#pragma once
// The guest's /init: a busybox shell script, generated per run. It loads the modules the host chose,
// mounts the host's root read-only and the run's results directory over virtio-9p, runs one command
// chrooted into the host's root (so the guest runs exactly the binaries the host built), writes the
// command's exit status beside the results, and powers off. Every step that fails says so on the
// console with a "lab-vm: FAILED:" line and powers off at once, so the host never waits on a stuck
// guest for long and can quote the reason.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace lab::vm {

inline constexpr const char* kHostRootTag = "hostroot";
inline constexpr const char* kResultsTag = "results";
// Where the results directory appears inside the chroot; a tmpfs /run holds the mount point because the
// host's root is read-only.
inline constexpr const char* kGuestResultsDir = "/run/lab-vm";
inline constexpr const char* kExitCodeFile = "exit-code";
inline constexpr const char* kBootUptimeFile = "boot-uptime";
inline constexpr const char* kGuestStdoutFile = "guest-stdout.txt";
inline constexpr const char* kGuestStderrFile = "guest-stderr.txt";
inline constexpr const char* kFailedMarker = "lab-vm: FAILED: ";

struct GuestPlan {
    std::vector<std::string> module_files;  // paths inside the initramfs, dependencies first
    std::vector<std::string> command;       // absolute program path inside the host root, then its args
    std::map<std::string, std::string> environment;  // the command's whole environment
    int command_timeout_s = 300;  // SIGTERM after this, SIGKILL 5 s later
    // Host directories under /run or /tmp that the command needs (the lab build when the checkout lives
    // in /tmp): the guest covers those two with fresh tmpfs, then binds these back at the same paths.
    std::vector<std::string> keep_visible;
};

// Whether a host path lies under a directory the guest covers with its own tmpfs (/run, /tmp).
bool hidden_by_guest_tmpfs(std::string_view host_path);

// A word the shell takes literally: 'it'\''s'. Throws on a NUL byte, which no shell word can hold.
std::string shell_quote(std::string_view word);

std::string guest_init_script(const GuestPlan& plan);

}  // namespace lab::vm
