#pragma once
// A whole lab network from plain data: one namespace per host, a veth pair per two-ended
// segment, a bridge (in a switch namespace of its own) for segments with more ends, addresses,
// routes and sysctls. The host's own namespace is never touched.
#include <cstddef>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "runner/netns.hpp"
#include "runner/sysctl.hpp"

namespace lab::runner {

struct TopologySpec {
    struct Interface {
        std::string host;
        std::string ifname;  // <= 15 characters, unique per host, not "lo"
        std::string cidr;    // "198.18.0.1/24": inside 198.18.0.0/15, prefix /16../30
    };
    // What stands between a segment's hosts. Direct: a veth pair (two ends only). Bridge: each
    // host's veth ends on a bridge port in the switch namespace, where unplug (port down) and
    // netem (port egress) act without touching the hosts. Wire: like Bridge, but the two ports are
    // left unbridged for a user-space forwarder (lab-wire) to carry frames between them.
    enum class Middle { Auto, Bridge, Wire };
    struct Segment {
        std::string name;
        std::vector<Interface> ends;  // Auto: 2 ends → one veth pair; more → a bridge
        Middle middle = Middle::Auto;
    };
    struct Route {
        std::string host;
        std::string to_cidr;  // a network inside 198.18.0.0/15 (no host bits), or "default"
        std::string via;      // an address inside 198.18.0.0/15
    };
    struct Host {
        std::string name;
        std::string netns_name;  // starts with prefix
        std::vector<SysctlSetting> sysctls;
    };

    // Every namespace starts with it, every interface lives inside one of those namespaces:
    // concurrent runs never collide and `lab clean` finds what a crashed run left.
    std::string prefix;
    std::vector<Host> hosts;
    std::vector<Segment> segments;
    std::vector<Route> routes;
};

// "<prefix>--switch", holding every bridge of the topology.
std::string switch_netns_name(const std::string& prefix);

// Every problem with the spec, each naming where it is; empty when the spec can be built.
// Pure: nothing touches the kernel.
std::vector<std::string> validate_topology(const TopologySpec& spec);

class TopologySpecError : public std::invalid_argument {
 public:
    explicit TopologySpecError(const std::vector<std::string>& problems);
    const std::vector<std::string>& problems() const { return problems_; }

 private:
    std::vector<std::string> problems_;
};

class Topology {
 public:
    // One host's side of a segment, and what is at the other end of its veth: the other host,
    // or a bridge port in the switch namespace (where unplug and ingress shaping act).
    struct Port {
        std::string segment;
        std::string host;
        std::string netns_name;
        std::string ifname;
        std::string peer_netns_name;
        std::string peer_ifname;
    };

    // Validates (TopologySpecError), then builds in order: namespaces, loopbacks up, sysctls
    // that name no lab interface (so net.*.conf.default.* applies to the lab's devices), veths
    // and bridges, addresses, links up, routes, the remaining sysctls. On any failure what was
    // built is removed before the error propagates.
    static Topology build(const TopologySpec& spec);

    Topology(Topology&&) noexcept = default;
    Topology& operator=(Topology&&) noexcept = default;
    // Removing the namespaces removes their devices with them; processes still inside keep
    // theirs alive until they exit, but the names are gone at once.
    ~Topology();

    const Netns& host_netns(const std::string& host) const;
    const Netns& netns_named(const std::string& netns_name) const;
    std::vector<std::string> namespace_names() const;
    const std::vector<Port>& ports() const { return ports_; }
    // The switch-side port facing `host` on `segment` (Bridge and Wire segments, and bridged ones).
    const Port& switch_port(const std::string& segment, const std::string& host) const;

    // Cable out / in: every switch-side port of the segment goes down / up, so each host sees its
    // carrier drop while its own interface stays administratively up, as with a pulled cable.
    void set_carrier(const std::string& segment, bool up) const;
    // Blackhole on a Bridge segment: ports leave the bridge, frames die there, carriers stay up.
    void set_bridged(const std::string& segment, bool bridged) const;

 private:
    Topology() = default;

    std::vector<Netns> namespaces_;  // in creation order; removed in reverse
    std::map<std::string, std::size_t> host_index_;
    std::vector<Port> ports_;
    std::vector<std::string> segment_names_;  // by segment index, which names its bridge
};

}  // namespace lab::runner
