#pragma once
// Network devices: veth pairs, bridges, and their state, always by name within the namespace of
// the socket that asks. Names are checked here as the kernel would, before any request is sent.
#include <optional>
#include <string>
#include <string_view>

namespace lab::runner {

class Netns;
class NetlinkSocket;

// Why the kernel would refuse `name` for a device (1..15 printable characters, no '/', ':' or
// space, not "." or ".."), or nullopt. '%' is refused too: the kernel would number it instead.
std::optional<std::string> check_ifname(std::string_view name);

struct LinkState {
    int index = 0;
    std::string name;
    std::string kind;       // "veth", "bridge"; empty for loopback
    bool admin_up = false;  // IFF_UP: what we asked for
    bool lower_up = false;  // IFF_LOWER_UP: carrier, i.e. the far end is up too
    // Operstate UP is set by the kernel's linkwatch work, in the same pass that attaches the
    // qdisc and tells a bridge its port may forward; until then packets sent are dropped.
    bool oper_up = false;
    unsigned mtu = 0;
    int master_index = 0;   // the bridge this device is a port of, 0 when none
};

std::optional<LinkState> find_link(NetlinkSocket& sock, const std::string& ifname);
// As find_link, but a missing device is an error (ENODEV) that names it.
LinkState get_link(NetlinkSocket& sock, const std::string& ifname);

// Creates both ends directly in their namespaces (`sock` may be in either, or in neither), so
// no end ever shows up anywhere else, not even for a moment. Both ends start down: asking
// for IFF_UP on the peer at creation fails with ENOTCONN.
void create_veth(NetlinkSocket& sock, const Netns& ns, const std::string& ifname,
                 const Netns& peer_ns, const std::string& peer_ifname);

// A bridge port and the host end of its cable in one request: `port` is made in the namespace of
// `sock` already a port of `bridge_index` (a bridge there) and administratively up, its peer
// `peer_ifname` in peer_ns down (as create_veth leaves both). One round trip instead of four
// (create, look the bridge up, enslave, set up), which is most of a thousand-host build.
void create_veth_on_bridge(NetlinkSocket& sock, const std::string& port, int bridge_index,
                           const Netns& peer_ns, const std::string& peer_ifname);

// In the namespace of `sock`; STP stays off, so ports forward as soon as they are up.
void create_bridge(NetlinkSocket& sock, const std::string& ifname);

void set_master(NetlinkSocket& sock, const std::string& ifname, const std::string& bridge);
// Takes the device off whatever bridge it is a port of.
void release_from_bridge(NetlinkSocket& sock, const std::string& ifname);
void set_link_up(NetlinkSocket& sock, const std::string& ifname);
void set_link_down(NetlinkSocket& sock, const std::string& ifname);

}  // namespace lab::runner
