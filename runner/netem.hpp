#pragma once
// The netem backend: one direction of a lab link shaped by a netem qdisc (and tbf under it for a
// rate) on the egress of the switch-side port that faces the receiving host. Shaping there, not on
// the sender's own interface, keeps TCP small queues from throttling the sender (measured: holding
// packets on the sender's output caps TCP at ~2 Mbit/s through 20 ms).
#include <cstdint>
#include <string>

namespace lab::runner {

class NetlinkSocket;

struct NetemSettings {
    std::uint32_t delay_us = 0;
    std::uint32_t jitter_us = 0;
    double loss_pct = 0;
    double duplicate_pct = 0;
    double reorder_pct = 0;
    double corrupt_pct = 0;
    std::uint64_t rate_bps = 0;  // 0: unlimited
    std::uint32_t limit = 1000;  // packets
};

// Replaces the root qdisc of ifname. On a kernel without sch_netem this throws a sys::KernelError that
// says so and names the alternatives (the user-space backend, a VM with a stock kernel).
void apply_netem(NetlinkSocket& sock, const std::string& ifname, const NetemSettings& settings);

// Removes the root qdisc again (no error when there is none).
void clear_netem(NetlinkSocket& sock, const std::string& ifname);

}  // namespace lab::runner
