#include "runner/sysctl.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <stdexcept>

#include <fmt/format.h>

#include "runner/netlink_socket.hpp"
#include "runner/netns.hpp"
#include "sys/kernel_error.hpp"
#include "sys/unique_fd.hpp"

namespace lab::runner {
namespace {

enum class Scope {
    own_value,      // each network namespace has its own value: a lab namespace may set it
    whole_machine,  // one value for the machine, whichever namespace reads or writes it
};

struct ScopeRule {
    std::string_view key;  // a whole key, or a prefix ending in '.' that covers a subtree
    Scope scope;
    std::string_view why;  // for whole_machine: what that one value is, shown in the refusal
};

// Which net.* sysctls a network namespace has a value of its own for. The longest matching rule
// decides; a key that no rule covers is refused as not known to be per-namespace. Established on
// Linux 6.18 by listing /proc/sys/net on the host and inside a fresh namespace, and from the kernel
// sources named per row (docs/scenario-format.md, "Which sysctls a scenario may set"). Three kinds
// are refused:
// - files the kernel registers for the initial namespace only (register_net_sysctl(&init_net, ...)):
//   absent inside a namespace, so writing them there fails with ENOENT anyway; refused here so that
//   `lab validate` says why, at the key;
// - files registered in every namespace whose handler or data is one global value, read-only outside
//   the initial namespace (the kernel's own guard: rmem_max, nf_conntrack_max, ...);
// - files registered in every namespace that write one global value from any of them:
//   net.netfilter.nf_hooks_lwtunnel, the reason this table exists.
constexpr ScopeRule kScopeRules[] = {
    // --- subsystems whose sysctls are per namespace: tables copied per struct net and pointed at it --
    // net/ipv4/sysctl_net_ipv4.c ipv4_net_table (net->ipv4.sysctl_*), devinet.c (conf.*),
    // route.c ipv4_route_netns_table, neighbour.c (neigh.<device>.*), ipvs/ip_vs_ctl.c (vs.*: ipvs->).
    {"net.ipv4.", Scope::own_value, ""},
    // net/ipv6/sysctl_net_ipv6.c ipv6_table_template, addrconf.c (conf.*), route.c
    // ipv6_route_table_template (route.*: net->ipv6.sysctl), icmp.c (icmp.*), neighbour.c.
    {"net.ipv6.", Scope::own_value, ""},
    {"net.unix.", Scope::own_value, ""},  // net/unix/sysctl_net_unix.c: net->unx.sysctl_max_dgram_qlen
    // net/netfilter/nf_conntrack_standalone.c: timeouts, acct, events, ... point into the namespace's
    // nf_conntrack_net; nf_log.c: the logger of each protocol family is net->nf.nf_loggers[].
    {"net.netfilter.", Scope::own_value, ""},
    {"net.bridge.", Scope::own_value, ""},  // net/bridge/br_netfilter_hooks.c: struct brnf_net per namespace
    {"net.mptcp.", Scope::own_value, ""},   // net/mptcp/ctrl.c: struct mptcp_pernet
    {"net.sctp.", Scope::own_value, ""},    // net/sctp/sysctl.c sctp_net_table: net->sctp.*
    {"net.mpls.", Scope::own_value, ""},    // net/mpls/af_mpls.c: net->mpls.*

    // --- net.core: net/core/sysctl_net_core.c registers net_core_table for the initial namespace
    // only (netdev_max_backlog, busy_poll, default_qdisc, bpf_jit_*, ...: the machine's packet
    // processing); netns_core_table and net/xfrm/xfrm_sysctl.c hold the per-namespace ones below.
    {"net.core.", Scope::whole_machine,
     "net.core keeps only somaxconn, optmem_max, txrehash, tstamp_allow_data, rps_default_mask and "
     "xfrm_* per network namespace"},
    {"net.core.somaxconn", Scope::own_value, ""},          // net->core.sysctl_somaxconn
    {"net.core.optmem_max", Scope::own_value, ""},         // net->core.sysctl_optmem_max
    {"net.core.txrehash", Scope::own_value, ""},           // net->core.sysctl_txrehash
    {"net.core.tstamp_allow_data", Scope::own_value, ""},  // net->core.sysctl_tstamp_allow_data
    {"net.core.rps_default_mask", Scope::own_value, ""},   // net->core.rps_default_mask
    {"net.core.xfrm_acq_expires", Scope::own_value, ""},   // net->xfrm.sysctl_acq_expires
    {"net.core.xfrm_aevent_etime", Scope::own_value, ""},  // net->xfrm.sysctl_aevent_etime
    {"net.core.xfrm_aevent_rseqth", Scope::own_value, ""}, // net->xfrm.sysctl_aevent_rseqth
    {"net.core.xfrm_larval_drop", Scope::own_value, ""},   // net->xfrm.sysctl_larval_drop
    // In netns_core_table, but sysctl_core_net_init() clears their write bits outside the initial
    // namespace: a namespace reads the host's sysctl_[rw]mem_{default,max} (6.18).
    {"net.core.rmem_default", Scope::whole_machine,
     "a network namespace sees the host's default socket receive buffer, read-only"},
    {"net.core.rmem_max", Scope::whole_machine,
     "a network namespace sees the host's SO_RCVBUF limit, read-only"},
    {"net.core.wmem_default", Scope::whole_machine,
     "a network namespace sees the host's default socket send buffer, read-only"},
    {"net.core.wmem_max", Scope::whole_machine,
     "a network namespace sees the host's SO_SNDBUF limit, read-only"},

    // --- net.ipv4: sysctl_net_ipv4.c ipv4_table is registered for the initial namespace only.
    {"net.ipv4.tcp_mem", Scope::whole_machine,
     "sysctl_tcp_mem: the memory pressure thresholds of every TCP socket on the machine"},
    {"net.ipv4.udp_mem", Scope::whole_machine,
     "sysctl_udp_mem: the memory pressure thresholds of every UDP socket on the machine"},
    {"net.ipv4.tcp_max_orphans", Scope::whole_machine, "sysctl_tcp_max_orphans counts the machine's orphans"},
    {"net.ipv4.tcp_low_latency", Scope::whole_machine, "obsolete; one variable for the machine"},
    {"net.ipv4.tcp_available_ulp", Scope::whole_machine, "the ULPs registered in the kernel"},
    {"net.ipv4.fib_sync_mem", Scope::whole_machine, "sysctl_fib_sync_mem"},
    {"net.ipv4.inet_peer_threshold", Scope::whole_machine, "inet_peer_threshold: the machine's peer cache"},
    {"net.ipv4.inet_peer_minttl", Scope::whole_machine, "inet_peer_minttl: the machine's peer cache"},
    {"net.ipv4.inet_peer_maxttl", Scope::whole_machine, "inet_peer_maxttl: the machine's peer cache"},
    {"net.ipv4.cipso_cache_enable", Scope::whole_machine, "cipso_v4_cache_enabled (NetLabel)"},
    {"net.ipv4.cipso_cache_bucket_size", Scope::whole_machine, "cipso_v4_cache_bucketsize (NetLabel)"},
    {"net.ipv4.cipso_rbm_optfmt", Scope::whole_machine, "cipso_v4_rbm_optfmt (NetLabel)"},
    {"net.ipv4.cipso_rbm_strictvalid", Scope::whole_machine, "cipso_v4_rbm_strictvalid (NetLabel)"},
    {"net.ipv4.ipfrag_secret_interval", Scope::whole_machine, "obsolete; ip_fragment.c registers it once"},
    // In ipv4_net_table without a per-namespace data pointer: ipv4_sysctl_init_net() makes such
    // entries read-only outside the initial namespace ("Entries without data pointer are global").
    {"net.ipv4.tcp_allowed_congestion_control", Scope::whole_machine,
     "tcp_cong.c keeps one list of allowed algorithms for the machine; a namespace sees it read-only"},
    {"net.ipv4.tcp_available_congestion_control", Scope::whole_machine,
     "the algorithms registered in the kernel"},
    // route.c: ipv4_route_table (the route cache's garbage collection and ICMP redirect/error rate
    // limits: ip_rt_gc_*, ip_rt_redirect_*, ip_rt_error_*, ip_rt_max_size) is registered once;
    // ipv4_route_netns_table holds the per-namespace four.
    {"net.ipv4.route.", Scope::whole_machine,
     "route.c keeps the route cache limits and ICMP rate limits once for the machine; only "
     "route.flush, min_pmtu, mtu_expires and min_adv_mss are per network namespace"},
    {"net.ipv4.route.flush", Scope::own_value, ""},        // flushes the namespace's own cache
    {"net.ipv4.route.min_pmtu", Scope::own_value, ""},     // net->ipv4.ip_rt_min_pmtu
    {"net.ipv4.route.mtu_expires", Scope::own_value, ""},  // net->ipv4.ip_rt_mtu_expires
    {"net.ipv4.route.min_adv_mss", Scope::own_value, ""},  // net->ipv4.ip_rt_min_advmss
    // arp.c registers the table defaults (neigh_sysctl_register(NULL, &arp_tbl.parms, ...)) in the
    // initial namespace only; gc_thresh1-3 and gc_interval bound the one arp_tbl of the machine.
    // Per-interface neigh.<device>.* are the namespace's own.
    {"net.ipv4.neigh.default.", Scope::whole_machine,
     "the defaults and garbage-collection limits of the machine's one ARP table; set "
     "net.ipv4.neigh.<interface>.* instead"},
    // ipvs/ip_vs_ctl.c: debug_level is sysctl_ip_vs_debug_level, read-only outside the initial namespace.
    {"net.ipv4.vs.debug_level", Scope::whole_machine, "sysctl_ip_vs_debug_level"},

    // --- net.ipv6: sysctl_net_ipv6.c ipv6_rotable and calipso.c are registered once.
    {"net.ipv6.mld_max_msf", Scope::whole_machine, "sysctl_mld_max_msf"},
    {"net.ipv6.mld_qrv", Scope::whole_machine, "sysctl_mld_qrv"},
    {"net.ipv6.calipso_cache_enable", Scope::whole_machine, "calipso_cache_enabled (NetLabel)"},
    {"net.ipv6.calipso_cache_bucket_size", Scope::whole_machine, "calipso_cache_bucketsize (NetLabel)"},
    {"net.ipv6.ip6frag_secret_interval", Scope::whole_machine, "obsolete; reassembly.c registers it once"},
    {"net.ipv6.neigh.default.", Scope::whole_machine,
     "the defaults and garbage-collection limits of the machine's one neighbour discovery table; set "
     "net.ipv6.neigh.<interface>.* instead"},

    // --- net.netfilter / nf_conntrack
    // nf_hooks_lwtunnel.c registers the file in every namespace, but its handler flips the static key
    // nf_hooks_lwtunnel_enabled: 1 from any namespace turns it on for the machine, and 0 then fails
    // with EBUSY. A scenario that set it would change the host until reboot.
    {"net.netfilter.nf_hooks_lwtunnel", Scope::whole_machine,
     "the kernel keeps one switch, nf_hooks_lwtunnel_enabled, for every namespace, and once on it "
     "cannot be turned off until reboot"},
    // nf_conntrack_standalone.c: "Don't allow non-init_net ns to alter global sysctls": these three
    // are 0444 outside the initial namespace (nf_conntrack_max, nf_ct_expect_max, the hash size).
    {"net.netfilter.nf_conntrack_max", Scope::whole_machine,
     "nf_conntrack_max bounds the machine's connection tracking table; a namespace sees it read-only"},
    {"net.netfilter.nf_conntrack_expect_max", Scope::whole_machine,
     "nf_ct_expect_max; a namespace sees it read-only"},
    {"net.netfilter.nf_conntrack_buckets", Scope::whole_machine,
     "the size of the machine's one conntrack hash table; a namespace sees it read-only"},
    {"net.nf_conntrack_max", Scope::whole_machine, "nf_conntrack_max, registered in the initial namespace only"},
    // nf_log.c: sysctl_nf_log_all_netns, registered in the initial namespace only, lets every
    // namespace write to the host's kernel log.
    {"net.netfilter.nf_log_all_netns", Scope::whole_machine, "sysctl_nf_log_all_netns"},

    // --- net.sctp: sysctl.c sctp_table (sysctl_sctp_mem/rmem/wmem) is registered once.
    {"net.sctp.sctp_mem", Scope::whole_machine, "sysctl_sctp_mem: every SCTP socket on the machine"},
    {"net.sctp.sctp_rmem", Scope::whole_machine, "sysctl_sctp_rmem"},
    {"net.sctp.sctp_wmem", Scope::whole_machine, "sysctl_sctp_wmem"},
};

bool rule_covers(const ScopeRule& rule, std::string_view key) {
    return rule.key.ends_with('.') ? key.starts_with(rule.key) : key == rule.key;
}

const ScopeRule* scope_rule_for(std::string_view key) {
    const ScopeRule* best = nullptr;
    for (const auto& rule : kScopeRules)
        if (rule_covers(rule, key) && (!best || rule.key.size() > best->key.size())) best = &rule;
    return best;
}

// "net.ipv4, net.ipv6, ...": the subsystems that keep their sysctls per namespace.
std::string per_namespace_subsystems() {
    std::string list;
    for (const auto& rule : kScopeRules) {
        if (rule.scope != Scope::own_value || !rule.key.ends_with('.')) continue;
        if (!list.empty()) list += ", ";
        list += rule.key.substr(0, rule.key.size() - 1);
    }
    return list;
}

// The key as a diagnostic may show it: a scenario's key can hold any character, and a raw control
// character or escape sequence would split or repaint the line that names it. `quote` is escaped too.
std::string escaped_key(std::string_view text, char quote = '\0') {
    std::string out;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || c == '\\' || (quote != '\0' && c == quote))
            out += fmt::format("\\x{:02x}", u);
        else
            out += c;
    }
    return quote == '\0' ? out : quote + out + quote;
}

// Empty segments, characters that could leave /proc/sys/net or name another file.
std::optional<std::string> check_key_form(std::string_view key) {
    if (!key.starts_with("net."))
        return fmt::format("sysctl '{}' is not under net.: only net.* sysctls belong to a network "
                           "namespace, anything else would change the host",
                           escaped_key(key));
    std::size_t start = 0;
    while (start <= key.size()) {
        std::size_t dot = key.find('.', start);
        if (dot == std::string_view::npos) dot = key.size();
        const std::string_view segment = key.substr(start, dot - start);
        if (segment.empty()) return fmt::format("sysctl '{}' has an empty segment", escaped_key(key));
        for (char c : segment) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!ok) return fmt::format("sysctl '{}' contains {}: only a-z, 0-9, '_', '-' and '.' are allowed",
                                        escaped_key(key), escaped_key(std::string_view(&c, 1), '\''));
        }
        start = dot + 1;
    }
    return std::nullopt;
}

// "net.ipv4" and "net.core" are directories; the one setting directly under net. is
// net.nf_conntrack_max, which the scope table refuses first.
bool names_a_directory(std::string_view key) {
    return std::count(key.begin(), key.end(), '.') < 2;
}

void require_valid(std::string_view key, std::string_view value) {
    if (auto problem = check_sysctl_key(key)) throw std::invalid_argument(*problem);
    if (auto problem = check_sysctl_value(key, value)) throw std::invalid_argument(*problem);
}


// ENOENT under /proc/sys/net means the namespace has no such file: either the key is misspelled
// or this kernel keeps that knob global, where we must not touch it. EACCES is the file's mode (a
// namespace may read it, not write it: the kernel reports a status, or shows a host value);
// EPERM comes from handlers that refuse a value outside the initial namespace (a congestion
// control that is not in the host's tcp_allowed_congestion_control).
[[noreturn]] void throw_sysctl_error(const std::string& what, int err) {
    if (err == ENOENT)
        throw sys::KernelError(what, err,
                          "no such sysctl inside a network namespace: misspelled, or not "
                          "per-namespace on this kernel");
    if (err == EACCES)
        throw sys::KernelError(what, err, "not writable in a network namespace: the kernel shows it read-only there");
    if (err == EPERM)
        throw sys::KernelError(what, err,
                          "not writable in a network namespace with this value: the kernel keeps it to the "
                          "host's namespace");
    sys::throw_kernel_error(what, err);
}

}  // namespace

std::optional<std::string> check_sysctl_key(std::string_view key) {
    if (auto problem = check_key_form(key)) return problem;
    const ScopeRule* rule = scope_rule_for(key);
    if (rule && rule->scope == Scope::whole_machine)
        return fmt::format("{} is one value for the whole machine: a scenario may not change it ({})", key,
                           rule->why);
    if (names_a_directory(key)) return fmt::format("sysctl '{}' names a directory, not a setting", key);
    if (!rule)
        return fmt::format("sysctl '{}' is not known to be per network namespace: a scenario may set "
                           "sysctls under {} (see docs/scenario-format.md)",
                           key, per_namespace_subsystems());
    return std::nullopt;
}

std::optional<std::string> check_sysctl_value(std::string_view key, std::string_view value) {
    if (value.empty()) return fmt::format("sysctl '{}' has an empty value", escaped_key(key));
    for (char c : value) {
        if (static_cast<unsigned char>(c) < ' ' && c != '\t')
            return fmt::format("sysctl '{}' value contains a control character", escaped_key(key));
    }
    return std::nullopt;
}

std::string sysctl_path(std::string_view key) {
    std::string path = "/proc/sys/";
    for (char c : key) path += c == '.' ? '/' : c;
    return path;
}

void write_sysctls(const Netns& ns, const std::vector<SysctlSetting>& settings) {
    for (const auto& s : settings) require_valid(s.key, s.value);
    if (settings.empty()) return;
    run_in_netns(ns, [&] { write_sysctls_from_inside(ns, settings); });
}

void write_sysctls_from_inside(const Netns& ns, const std::vector<SysctlSetting>& settings) {
    for (const auto& s : settings) require_valid(s.key, s.value);
    for (const auto& s : settings) {
        const std::string what = fmt::format("write sysctl {}={} in netns {}", s.key, s.value, ns.name());
        const std::string path = sysctl_path(s.key);
        int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0) throw_sysctl_error(what, errno);
        sys::UniqueFd closer(fd);
        // The kernel parses the whole value from one write; a short write would leave half of it.
        const ssize_t n = ::write(fd, s.value.data(), s.value.size());
        if (n < 0) throw_sysctl_error(what, errno);
        if (static_cast<std::size_t>(n) != s.value.size())
            throw std::runtime_error(fmt::format("{}: short write ({} of {} bytes)", what, n, s.value.size()));
    }
}

std::string read_sysctl(const Netns& ns, const std::string& key) {
    if (auto problem = check_sysctl_key(key)) throw std::invalid_argument(*problem);
    return run_in_netns(ns, [&] {
        const std::string what = fmt::format("read sysctl {} in netns {}", key, ns.name());
        const std::string path = sysctl_path(key);
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw_sysctl_error(what, errno);
        sys::UniqueFd closer(fd);
        std::string value;
        char buf[4096];
        for (;;) {
            const ssize_t n = ::read(fd, buf, sizeof(buf));
            if (n < 0) throw_sysctl_error(what, errno);
            if (n == 0) break;
            value.append(buf, static_cast<std::size_t>(n));
        }
        while (!value.empty() && value.back() == '\n') value.pop_back();
        return value;
    });
}

}  // namespace lab::runner
