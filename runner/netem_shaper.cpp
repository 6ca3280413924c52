#include "runner/netem_shaper.hpp"

#include <chrono>
#include <stdexcept>

#include "runner/netem.hpp"
#include "runner/netlink_socket.hpp"
#include "runner/topology.hpp"

namespace lab::runner {
namespace {

NetemSettings netem_settings(const shaping::Impairment& i) {
    if (i.gemodel) throw std::runtime_error("the netem backend of this lab does not set Gilbert-Elliott loss yet");
    if (i.distribution != shaping::JitterDistribution::Uniform)
        throw std::runtime_error("the netem backend of this lab sets uniform jitter only");
    NetemSettings s;
    s.delay_us = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(i.delay).count());
    s.jitter_us = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(i.jitter).count());
    s.loss_pct = i.loss * 100;
    s.duplicate_pct = i.duplicate * 100;
    s.reorder_pct = i.reorder * 100;
    s.corrupt_pct = i.corrupt * 100;
    s.rate_bps = i.rate_bps;
    s.limit = i.limit;
    return s;
}

}  // namespace

NetemShaper::NetemShaper(const ShaperContext& context) : topology_(context.topology) {
    for (const LinkSpec& link : context.scenario.links)
        if (link.shaped) apply(link, link.impairments);
}

void NetemShaper::apply(const LinkSpec& link, const std::vector<DirectedImpairment>& impairments) {
    bool blackhole = false;
    for (const auto& d : impairments) {
        const Topology::Port& toward = topology_.switch_port(link.name, d.to);
        NetlinkSocket sock = NetlinkSocket::open_in(topology_.netns_named(toward.peer_netns_name));
        shaping::Impairment shaped = d.impairment;
        shaped.blackhole = false;
        if (shaped == shaping::Impairment{}) clear_netem(sock, toward.peer_ifname);
        else apply_netem(sock, toward.peer_ifname, netem_settings(shaped));
        blackhole = blackhole || d.impairment.blackhole;
    }
    // A bridge port that left its bridge drops every frame while its carrier stays up.
    topology_.set_bridged(link.name, !blackhole);
}

}  // namespace lab::runner
