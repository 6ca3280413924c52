#pragma once
// What a guest left in its results directory, read on the host after qemu ended: the command's exit
// status, the guest uptime when the command started, and the RunRecords — whose paths name the
// guest's view (/run/lab-vm/...) and are rewritten to where the files are on the host, so that
// `lab report` and `lab compare` work on them like on any record.
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace lab::vm {

struct GuestResults {
    std::optional<int> exit_code;         // absent: the command never finished (or never started)
    std::optional<double> boot_seconds;   // guest uptime when the command started
    std::vector<std::string> record_paths;  // host paths of record.json files, sorted
};

// path_map: guest-side prefix or file → host-side; the longest matching prefix wins.
GuestResults collect_guest_results(const std::string& results_dir, const std::map<std::string, std::string>& path_map);

// The one string rewrite behind it, exposed for tests: `path` (or a "FILE:LINE:COL" origin) with its
// longest mapped prefix replaced.
std::string map_guest_path(const std::string& path, const std::map<std::string, std::string>& path_map);

// The first "lab-vm: FAILED: ..." reason on the guest console; else, when the guest kernel crashed, its
// report, RIP and panic lines; else the console's last lines. Empty when the console is empty.
std::string console_failure(const std::string& console_log);

// How console_failure() begins when the guest kernel crashed (Oops, BUG, panic).
inline constexpr const char* kGuestCrashed = "the guest kernel crashed: ";

// Whether a guest that powered off died in its kernel before the command started (no boot time, no
// exit status): a boot that measured nothing, worth booting again. `failure` is console_failure()'s text.
bool crashed_before_command(const GuestResults& guest, const std::string& failure);

// The last `lines` non-empty lines of a file the guest wrote (its command's stderr), each indented by
// two spaces and ending in a newline; empty when there is no such file or nothing in it.
std::string guest_file_tail(const std::string& path, std::size_t lines);

}  // namespace lab::vm
