#pragma once
// SO_ATTACH_REUSEPORT_CBPF: a classic BPF program that picks the socket of a SO_REUSEPORT group
// for each packet. Without it the kernel hashes the 4-tuple, so one UDP flow always lands on one
// socket however many there are; with it a single flow spreads. The program returns an index in
// the group (sockets count in the order they joined it); an index past the group's end falls back
// to the hash, which is why the modulus must be the group's real size.
#include <string>
#include <string_view>

#include "common/units.hpp"

namespace lab::agent {

struct ReuseportSpread {
    enum class Kind { Random, Cpu };
    Kind kind = Kind::Random;
    int modulus = 0;  // 0: the number of sockets this process opens (--sockets)

    std::string text() const;
};

// "random", "cpu", "random:N", "cpu:N" (N: the group's size, when other processes join it too).
Parsed<ReuseportSpread> parse_reuseport_spread(std::string_view text);

// Attaches the program to fd's reuseport group; returns 0 or the errno of setsockopt.
// "random" returns prandom() % modulus; "cpu" returns the receiving CPU % modulus (one socket per
// CPU, as a multi-queue NIC would use it; on loopback or veth that is the sender's CPU).
int attach_reuseport_spread(int fd, ReuseportSpread::Kind kind, int modulus);

}  // namespace lab::agent
