#include "lab/vm/guest_script.hpp"

#include <stdexcept>

#include <fmt/format.h>

namespace lab::vm {

std::string shell_quote(std::string_view word) {
    if (word.find('\0') != std::string_view::npos) throw std::invalid_argument("a shell word cannot hold a NUL byte");
    std::string out = "'";
    for (char c : word) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    out += '\'';
    return out;
}

bool hidden_by_guest_tmpfs(std::string_view host_path) {
    for (std::string_view dir : {"/run", "/tmp"})
        if (host_path == dir || (host_path.starts_with(dir) && host_path.size() > dir.size() && host_path[dir.size()] == '/'))
            return true;
    return false;
}

namespace {

// The kernel seeds its TCP secrets (port-search perturbation, hash and ISN secrets, the SYN-cookie key)
// on first use, and then flips a static key: it rewrites its own code through an int3 breakpoint. Under
// multi-threaded TCG another vCPU can still execute that int3 after the rewrite is done, and the kernel
// panics ("Oops: int3" in __inet_hash_connect — seen on 6.12 once in six runs, when a scenario's 100
// held connects were let go on both vCPUs at once). One connection made here, while nothing else runs,
// takes every one of those first uses out of the scenarios: over loopback in the guest's own initial
// namespace, the listener answering with a cookie (tcp_syncookies=2) so that key is set too, then 1 again
// (the kernel's default; scenarios set their own in their namespaces). IPv4 and IPv6 share the first.
std::string tcp_warm_up() {
    std::string s;
    s += "warm_tcp() {\n";
    s += "  $B timeout 10 $B nc -l -p 9 </dev/null >/dev/null 2>&1 &\n";
    s += "  listener=$!; tries=0\n";
    // The listener may not be up yet: a refused connect is retried, 40 times at most.
    s += "  until $B nc -w 2 \"$1\" 9 </dev/null >/dev/null 2>&1; do\n";
    s += "    tries=$((tries + 1)); [ $tries -ge 40 ] && { say \"no TCP warm-up over $1\"; break; }\n";
    s += "    $B usleep 50000\n";
    s += "  done\n";
    s += "  wait $listener\n";
    s += "}\n";
    s += "$B ip link set lo up || say 'no loopback for the TCP warm-up'\n";
    s += "$B sysctl -qw net.ipv4.tcp_syncookies=2\n";
    s += "warm_tcp 127.0.0.1\n";
    s += "$B sysctl -qw net.ipv4.tcp_syncookies=1\n";
    s += "warm_tcp ::1\n";
    return s;
}

}  // namespace

std::string guest_init_script(const GuestPlan& plan) {
    if (plan.command.empty()) throw std::invalid_argument("guest plan: no command");
    std::string s;
    s += "#!/bin/busybox sh\n";
    s += "# /init of a lab VM, written by `lab vm run` for this one run.\n";
    // busybox applets by full path only: the host root's PATH must never shadow them, nor they it.
    s += "B=/bin/busybox\n";
    s += "say() { echo \"lab-vm: $*\"; }\n";
    s += fmt::format("fail() {{ echo \"{}$*\"; $B sync; $B poweroff -f; $B sleep 60; }}\n", kFailedMarker);
    s += "$B mkdir -p /proc /sys /dev /host\n";
    s += "$B mount -t proc proc /proc || fail 'mount /proc'\n";
    s += "$B mount -t sysfs sysfs /sys || fail 'mount /sys'\n";
    s += "$B mount -t devtmpfs devtmpfs /dev || fail 'mount /dev'\n";
    s += "say \"kernel $($B uname -r) up after $($B cut -d' ' -f1 /proc/uptime) s\"\n";
    for (const auto& m : plan.module_files)
        s += fmt::format("$B insmod {0} || fail {1}\n", shell_quote("/" + m), shell_quote("insmod " + m));
    const std::string nine_p = "-t 9p -o trans=virtio,version=9p2000.L,msize=262144";
    // cache=loose: the guest keeps what it read of the host root (binaries, libraries) in its page cache.
    // Without it every exec re-reads the program and its libraries through 9p, and under TCG a hundred
    // `nc` take seconds to start instead of a fraction of one. The root is read-only and a run is short,
    // so the host changing a file under the guest is not a concern.
    s += fmt::format("$B mount {},ro,cache=loose {} /host || fail 'mount the host root ({})'\n", nine_p, kHostRootTag,
                     kHostRootTag);
    // The host root is read-only: give the chroot fresh writable /run, /tmp and /dev/shm, keeping what the
    // command needs from the host's own /run or /tmp visible at its path through a bind made beforehand.
    for (std::size_t i = 0; i < plan.keep_visible.size(); ++i)
        s += fmt::format("$B mkdir -p /keep{0} && $B mount -o bind {1} /keep{0} || fail {2}\n", i,
                         shell_quote("/host" + plan.keep_visible[i]), shell_quote("keep " + plan.keep_visible[i]));
    s += "$B mount -t tmpfs -o mode=0755 run /host/run || fail 'mount tmpfs on /run'\n";
    s += "$B mount -t tmpfs -o mode=1777 tmp /host/tmp || fail 'mount tmpfs on /tmp'\n";
    for (std::size_t i = 0; i < plan.keep_visible.size(); ++i)
        s += fmt::format("$B mkdir -p {1} && $B mount -o bind /keep{0} {1} || fail {2}\n", i,
                         shell_quote("/host" + plan.keep_visible[i]), shell_quote("keep " + plan.keep_visible[i]));
    s += fmt::format("$B mkdir -p /host{0} && $B mount {1} {2} /host{0} || fail 'mount the results directory ({2})'\n",
                     kGuestResultsDir, nine_p, kResultsTag);
    s += "$B mount -t proc proc /host/proc || fail 'mount /proc in the chroot'\n";
    s += "$B mount -t sysfs sysfs /host/sys || fail 'mount /sys in the chroot'\n";
    // A cgroup per run ends whatever a scenario's programs start; without it lab falls back to its namespaces.
    s += "$B mount -t cgroup2 cgroup2 /host/sys/fs/cgroup || say 'no cgroup2 in the guest'\n";
    s += "$B mount -o bind /dev /host/dev || fail 'bind /dev into the chroot'\n";
    s += "$B mkdir -p /dev/shm && $B mount -t tmpfs -o mode=1777 shm /host/dev/shm || fail 'mount /dev/shm'\n";
    s += tcp_warm_up();
    s += fmt::format("$B cut -d' ' -f1 /proc/uptime > /host{}/{}\n", kGuestResultsDir, kBootUptimeFile);
    s += "say \"running the command after $($B cut -d' ' -f1 /proc/uptime) s\"\n";

    std::string env;
    for (const auto& [key, value] : plan.environment) env += " " + shell_quote(key + "=" + value);
    std::string command;
    for (const auto& word : plan.command) command += " " + shell_quote(word);
    s += fmt::format("$B timeout -s TERM -k 5 {} $B env -i{} $B chroot /host{} > /host{}/{} 2> /host{}/{}\n",
                     plan.command_timeout_s, env, command, kGuestResultsDir, kGuestStdoutFile, kGuestResultsDir,
                     kGuestStderrFile);
    s += "rc=$?\n";
    s += fmt::format("echo $rc > /host{}/{}\n", kGuestResultsDir, kExitCodeFile);
    s += "say \"command exited $rc after $($B cut -d' ' -f1 /proc/uptime) s\"\n";
    // Unmount so that 9p has handed every write to the host before the power goes.
    s += fmt::format("$B sync; $B umount /host{} || say 'results directory still busy'\n", kGuestResultsDir);
    s += "$B poweroff -f\n";
    s += "$B sleep 60\n";  // poweroff returns before the machine stops; init must not exit (kernel panic)
    return s;
}

}  // namespace lab::vm
