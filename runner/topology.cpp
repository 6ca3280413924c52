#include "runner/topology.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <thread>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "common/text_fields.hpp"
#include "runner/address.hpp"
#include "runner/link.hpp"
#include "runner/leftovers.hpp"
#include "runner/netlink_socket.hpp"
#include "runner/netns_batch.hpp"
#include "runner/route.hpp"
#include "sys/kernel_error.hpp"

namespace lab::runner {
namespace {

// "default" is the one destination outside the lab range we accept: a namespace has no path
// out, so a default route can only lead to another lab host.
bool is_default(const std::string& to) { return to == "default" || to == "0.0.0.0/0"; }

Ipv4Cidr destination(const std::string& to) { return is_default(to) ? Ipv4Cidr{0, 0} : *parse_cidr(to); }

std::string bridge_name(std::size_t segment) { return fmt::format("br{}", segment); }
std::string bridge_port_name(std::size_t segment, std::size_t end) {
    return fmt::format("br{}p{}", segment, end);
}

// A sysctl naming one of the host's lab interfaces (net.ipv4.conf.eth0.rp_filter) can only be
// written once that interface exists; every other one is better written before, so that
// conf.default.* values reach the devices created afterwards.
bool names_interface(const std::string& key, const std::set<std::string>& ifnames) {
    std::size_t start = 0;
    while (start <= key.size()) {
        std::size_t dot = key.find('.', start);
        if (dot == std::string::npos) dot = key.size();
        if (ifnames.contains(key.substr(start, dot - start))) return true;
        start = dot + 1;
    }
    return false;
}

// Setting IFF_UP returns before the kernel's linkwatch work has run for the device; until it
// has, the device drops what it is given and a bridge does not forward to it. A scenario
// starting at once would lose its first ARP or SYN and see a 1 s retransmission that is the
// lab's doing, not the behaviour under study (seen here in about one build in six).
void wait_until_operational(std::vector<std::pair<NetlinkSocket*, std::string>> pending) {
    constexpr auto kLimit = std::chrono::seconds(5);
    const auto deadline = std::chrono::steady_clock::now() + kLimit;
    for (;;) {
        std::erase_if(pending, [](const auto& p) { return get_link(*p.first, p.second).oper_up; });
        if (pending.empty()) return;
        if (std::chrono::steady_clock::now() > deadline) {
            const auto& [sock, ifname] = pending.front();
            throw sys::KernelError(fmt::format("bring link {} up in netns {}", ifname, sock->netns_name()), ETIMEDOUT,
                              fmt::format("operstate still not UP after {} s", kLimit.count()));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

class SpecChecker {
 public:
    explicit SpecChecker(const TopologySpec& spec) : spec_(spec) {}

    std::vector<std::string> run() {
        check_prefix();
        check_hosts();
        check_segments();
        check_routes();
        return std::move(problems_);
    }

 private:
    template <typename... Args>
    void problem(fmt::format_string<Args...> format, Args&&... args) {
        problems_.push_back(fmt::format(format, std::forward<Args>(args)...));
    }

    void check_prefix() {
        if (auto p = check_netns_name(spec_.prefix)) problem("prefix: {}", *p);
    }

    void check_hosts() {
        const std::string switch_ns = switch_netns_name(spec_.prefix);
        std::set<std::string> netns_names;
        for (std::size_t i = 0; i < spec_.hosts.size(); ++i) {
            const auto& h = spec_.hosts[i];
            if (h.name.empty()) {
                problem("host {}: name is empty", i + 1);
                continue;
            }
            if (!hosts_.insert(h.name).second) problem("host '{}' is declared twice", h.name);
            if (auto p = check_netns_name(h.netns_name))
                problem("host '{}': {}", h.name, *p);
            else if (!h.netns_name.starts_with(spec_.prefix))
                problem("host '{}': namespace '{}' does not start with the run prefix '{}'", h.name,
                        h.netns_name, spec_.prefix);
            else if (h.netns_name == switch_ns)
                problem("host '{}': namespace '{}' is reserved for the bridges", h.name, h.netns_name);
            else if (!netns_names.insert(h.netns_name).second)
                problem("host '{}': namespace '{}' is already another host's", h.name, h.netns_name);
            for (const auto& s : h.sysctls) {
                if (auto p = check_sysctl_key(s.key))
                    problem("host '{}': {}", h.name, *p);
                else if (auto q = check_sysctl_value(s.key, s.value))
                    problem("host '{}': {}", h.name, *q);
            }
        }
    }

    void check_segments() {
        std::set<std::string> names;
        std::map<std::pair<std::string, std::string>, std::string> interfaces;  // → segment
        std::map<std::uint32_t, std::string> addresses;                         // → where
        for (std::size_t k = 0; k < spec_.segments.size(); ++k) {
            const auto& seg = spec_.segments[k];
            const std::string label = seg.name.empty() ? fmt::format("segment {}", k + 1)
                                                       : fmt::format("segment '{}'", seg.name);
            if (!seg.name.empty() && !names.insert(seg.name).second)
                problem("{} is declared twice", label);
            if (seg.ends.size() < 2)
                problem("{} has {} end(s); a segment joins at least 2", label, seg.ends.size());
            if (seg.middle == TopologySpec::Middle::Wire && seg.ends.size() != 2)
                problem("{} has {} ends; a user-space wire joins exactly 2", label, seg.ends.size());
            for (std::size_t j = 0; j < seg.ends.size(); ++j) {
                const auto& end = seg.ends[j];
                const std::string where = fmt::format("{} end {} (host '{}')", label, j + 1, end.host);
                if (!hosts_.contains(end.host)) problem("{}: no such host", where);
                if (auto p = check_ifname(end.ifname))
                    problem("{}: {}", where, *p);
                else if (end.ifname == "lo")
                    problem("{}: 'lo' is the loopback device every namespace already has", where);
                else if (auto [it, fresh] = interfaces.emplace(std::pair{end.host, end.ifname}, label); !fresh)
                    problem("{}: interface '{}' is already on host '{}' ({})", where, end.ifname, end.host,
                            it->second);
                if (auto p = lab_cidr_problem(end.cidr)) {
                    problem("{}: {}", where, *p);
                    continue;
                }
                const std::uint32_t address = parse_cidr(end.cidr)->address;
                if (auto [it, fresh] = addresses.emplace(address, where); !fresh)
                    problem("{}: address {} is already used by {}", where, format_ipv4(address), it->second);
            }
        }
    }

    void check_routes() {
        for (std::size_t i = 0; i < spec_.routes.size(); ++i) {
            const auto& r = spec_.routes[i];
            const std::string where = fmt::format("route {} (host '{}', to {})", i + 1, r.host, r.to_cidr);
            if (!hosts_.contains(r.host)) problem("{}: no such host", where);
            if (!is_default(r.to_cidr)) {
                if (auto p = lab_cidr_problem(r.to_cidr)) {
                    problem("{}: {}", where, *p);
                } else if (auto c = *parse_cidr(r.to_cidr); c.network() != c.address) {
                    problem("{}: {} has host bits set; the network is {}", where, r.to_cidr,
                            Ipv4Cidr{c.network(), c.prefix}.str());
                }
            }
            auto via = parse_ipv4(r.via);
            if (!via)
                problem("{}: gateway '{}' is not an IPv4 address", where, r.via);
            else if (!is_lab_address(*via))
                problem("{}: gateway {} is outside the lab range 198.18.0.0/15", where, r.via);
        }
    }

    const TopologySpec& spec_;
    std::set<std::string> hosts_;
    std::vector<std::string> problems_;
};

}  // namespace

// Planned host namespaces are <prefix>-<host>, and host names start with a letter, so the extra
// '-' keeps the switch from ever taking a host's name while it still starts with "<prefix>-",
// the form run ids are claimed by and `lab clean` looks for.
std::string switch_netns_name(const std::string& prefix) { return prefix + "--switch"; }

std::vector<std::string> validate_topology(const TopologySpec& spec) { return SpecChecker(spec).run(); }

TopologySpecError::TopologySpecError(const std::vector<std::string>& problems)
    : std::invalid_argument("topology cannot be built:\n  " + join(problems, "\n  ")), problems_(problems) {}

Topology Topology::build(const TopologySpec& spec) {
    if (auto problems = validate_topology(spec); !problems.empty()) throw TopologySpecError(problems);

    Topology topo;  // if anything below throws, its destructor removes what was built so far
    for (const auto& seg : spec.segments) topo.segment_names_.push_back(seg.name);
    const bool bridged = std::any_of(spec.segments.begin(), spec.segments.end(), [](const auto& s) {
        return s.ends.size() > 2 || s.middle != TopologySpec::Middle::Auto;
    });
    std::map<std::string, std::set<std::string>> ifnames;
    for (const auto& seg : spec.segments)
        for (const auto& end : seg.ends) ifnames[end.host].insert(end.ifname);

    // Namespaces, loopbacks up and the sysctls that name no lab interface, each namespace done by
    // the thread that created it (netns_batch.hpp); the switch, when there is one, comes last.
    std::vector<std::string> netns_names;
    for (const auto& h : spec.hosts) {
        topo.host_index_[h.name] = netns_names.size();
        netns_names.push_back(h.netns_name);
    }
    std::optional<std::size_t> switch_index;
    if (bridged) {
        switch_index = netns_names.size();
        netns_names.push_back(switch_netns_name(spec.prefix));
    }
    std::vector<std::vector<SysctlSetting>> late_sysctls(spec.hosts.size());
    std::vector<std::vector<SysctlSetting>> early_sysctls(spec.hosts.size());
    for (std::size_t i = 0; i < spec.hosts.size(); ++i) {
        const auto& h = spec.hosts[i];
        for (const auto& s : h.sysctls)
            (names_interface(s.key, ifnames[h.name]) ? late_sysctls[i] : early_sysctls[i]).push_back(s);
    }
    std::vector<PreparedNetns> prepared =
        create_netns_batch(netns_names, [&](std::size_t i, const Netns& ns, NetlinkSocket& sock) {
            if (i == switch_index) {
                // The switch is not a host: its ports must not speak (IPv6 router solicitations,
                // MLD) on the lab's links, least of all around a lab-wire that forwards only what
                // the hosts send.
                write_sysctls_from_inside(ns, {{"net.ipv6.conf.all.disable_ipv6", "1"},
                                               {"net.ipv6.conf.default.disable_ipv6", "1"}});
                return;
            }
            set_link_up(sock, "lo");
            write_sysctls_from_inside(ns, early_sysctls[i]);
        });
    std::vector<NetlinkSocket> socks;
    socks.reserve(prepared.size());
    topo.namespaces_.reserve(prepared.size());
    for (auto& p : prepared) {
        topo.namespaces_.push_back(std::move(p.netns));
        socks.push_back(std::move(p.sock));
    }
    prepared.clear();
    auto host_sock = [&](const std::string& host) -> NetlinkSocket& { return socks[topo.host_index_.at(host)]; };
    auto host_ns = [&](const std::string& host) -> const Netns& {
        return topo.namespaces_[topo.host_index_.at(host)];
    };

    // Every veth end to wait for; of the switch side, the ports of wires are still down.
    std::vector<std::pair<NetlinkSocket*, std::string>> veth_ends;
    std::vector<std::string> wire_ports;
    for (std::size_t k = 0; k < spec.segments.size(); ++k) {
        const auto& seg = spec.segments[k];
        if (seg.ends.size() == 2 && seg.middle == TopologySpec::Middle::Auto) {
            const auto& a = seg.ends[0];
            const auto& b = seg.ends[1];
            create_veth(host_sock(a.host), host_ns(a.host), a.ifname, host_ns(b.host), b.ifname);
            topo.ports_.push_back({seg.name, a.host, host_ns(a.host).name(), a.ifname, host_ns(b.host).name(), b.ifname});
            topo.ports_.push_back({seg.name, b.host, host_ns(b.host).name(), b.ifname, host_ns(a.host).name(), a.ifname});
            continue;
        }
        NetlinkSocket& sw = socks[*switch_index];
        const Netns& sw_ns = topo.namespaces_[*switch_index];
        const bool wire = seg.middle == TopologySpec::Middle::Wire;
        const std::string bridge = bridge_name(k);
        int bridge_index = 0;
        if (!wire) {
            // Up before its ports, which are made up and enslaved in the request creating them.
            create_bridge(sw, bridge);
            set_link_up(sw, bridge);
            bridge_index = get_link(sw, bridge).index;
        }
        for (std::size_t j = 0; j < seg.ends.size(); ++j) {
            const auto& end = seg.ends[j];
            const std::string port = bridge_port_name(k, j);
            if (wire) {
                create_veth(sw, host_ns(end.host), end.ifname, sw_ns, port);
                wire_ports.push_back(port);
            } else {
                create_veth_on_bridge(sw, port, bridge_index, host_ns(end.host), end.ifname);
            }
            veth_ends.emplace_back(&sw, port);
            topo.ports_.push_back({seg.name, end.host, host_ns(end.host).name(), end.ifname, sw_ns.name(), port});
        }
    }

    for (const auto& seg : spec.segments)
        for (const auto& end : seg.ends)
            add_address(host_sock(end.host), end.ifname, *parse_cidr(end.cidr));

    // Switch side first (bridge ports came up with their creation), so each host's carrier comes
    // up as soon as its own end does. The bridges themselves are not on any forwarding path, so
    // nobody waits for them.
    for (const auto& port : wire_ports) set_link_up(socks[*switch_index], port);
    for (const auto& seg : spec.segments)
        for (const auto& end : seg.ends) {
            set_link_up(host_sock(end.host), end.ifname);
            veth_ends.emplace_back(&host_sock(end.host), end.ifname);
        }
    wait_until_operational(std::move(veth_ends));

    for (const auto& r : spec.routes)
        add_route(host_sock(r.host), destination(r.to_cidr), *parse_ipv4(r.via));

    for (std::size_t i = 0; i < spec.hosts.size(); ++i) write_sysctls(topo.namespaces_[i], late_sysctls[i]);
    return topo;
}

Topology::~Topology() {
    // Whatever still runs inside (a program a scenario's command forked and left behind) ends before its
    // namespace's name goes: after that nothing could find it, not even `lab clean`.
    std::vector<int> fds;
    for (const auto& ns : namespaces_)
        if (ns.fd() >= 0) fds.push_back(ns.fd());
    if (!fds.empty()) {
        try {
            kill_processes_in(fds);
        } catch (...) {
            // /proc unreadable: the namespaces go anyway, and the run's cgroup has ended its processes.
        }
    }
    remove_netns_batch(namespaces_);
}

const Netns& Topology::host_netns(const std::string& host) const {
    auto it = host_index_.find(host);
    if (it == host_index_.end()) throw std::out_of_range(fmt::format("no host '{}' in this topology", host));
    return namespaces_[it->second];
}

const Topology::Port& Topology::switch_port(const std::string& segment, const std::string& host) const {
    for (const auto& p : ports_)
        if (p.segment == segment && p.host == host && p.peer_netns_name.ends_with("--switch")) return p;
    throw std::out_of_range(fmt::format("segment '{}' has no switch port facing host '{}'", segment, host));
}

void Topology::set_carrier(const std::string& segment, bool up) const {
    for (const auto& p : ports_) {
        if (p.segment != segment) continue;
        const Port& port = switch_port(segment, p.host);
        NetlinkSocket sock = NetlinkSocket::open_in(netns_named(port.peer_netns_name));
        if (up) set_link_up(sock, port.peer_ifname);
        else set_link_down(sock, port.peer_ifname);
    }
}

void Topology::set_bridged(const std::string& segment, bool bridged) const {
    for (std::size_t k = 0; k < segment_names_.size(); ++k) {
        if (segment_names_[k] != segment) continue;
        for (const auto& p : ports_) {
            if (p.segment != segment) continue;
            const Port& port = switch_port(segment, p.host);
            NetlinkSocket sock = NetlinkSocket::open_in(netns_named(port.peer_netns_name));
            if (bridged) set_master(sock, port.peer_ifname, bridge_name(k));
            else release_from_bridge(sock, port.peer_ifname);
        }
        return;
    }
    throw std::out_of_range(fmt::format("no segment '{}' in this topology", segment));
}

const Netns& Topology::netns_named(const std::string& netns_name) const {
    for (const auto& ns : namespaces_)
        if (ns.name() == netns_name) return ns;
    throw std::out_of_range(fmt::format("no namespace '{}' in this topology", netns_name));
}

std::vector<std::string> Topology::namespace_names() const {
    std::vector<std::string> names;
    for (const auto& ns : namespaces_) names.push_back(ns.name());
    return names;
}

}  // namespace lab::runner
