#pragma once
// Per-namespace sysctls. A scenario may only set sysctls that the kernel keeps once per network
// namespace: `net.*` alone is not enough, since some net.* files are visible in every namespace
// but read or write one value for the whole machine (net.netfilter.nf_hooks_lwtunnel). The key
// check refuses those before any file is opened; docs/scenario-format.md says which and why.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lab::runner {

class Netns;

struct SysctlSetting {
    std::string key;    // "net.ipv4.tcp_synack_retries"
    std::string value;  // written as is: "2", "4096 131072 6291456"
};

// Why `key` is refused, or nullopt. Refused: a key not under "net.", an empty segment, a character
// outside [a-z0-9_-] in a segment, a directory; a key the kernel keeps once for the whole machine
// ("net.core.netdev_max_backlog is one value for the whole machine: a scenario may not change it
// (...)"); a key of a subsystem not known to be per-namespace (net.tipc.*).
std::optional<std::string> check_sysctl_key(std::string_view key);
// Why `value` is refused (empty, or a control character that would split it), or nullopt.
std::optional<std::string> check_sysctl_value(std::string_view key, std::string_view value);

// "/proc/sys/net/ipv4/tcp_synack_retries" for "net.ipv4.tcp_synack_retries".
std::string sysctl_path(std::string_view key);

// Checks every setting first, then writes them in order from a thread inside ns: a
// /proc/sys/net file is bound to the namespace of whoever opens it. The first failure stops
// and is thrown with the key, the value and the errno (EACCES/EPERM: "not writable in a network
// namespace"; ENOENT: no such file in a namespace).
void write_sysctls(const Netns& ns, const std::vector<SysctlSetting>& settings);
// As write_sysctls, from a thread that is inside ns already (no thread of its own).
void write_sysctls_from_inside(const Netns& ns, const std::vector<SysctlSetting>& settings);
// The value with its trailing newline removed.
std::string read_sysctl(const Netns& ns, const std::string& key);

}  // namespace lab::runner
