#pragma once
// A namespace's sockets counted straight from the sock_diag messages, without an object per socket:
// what a counts-level snapshot, a sample of a time series and a wait on a million sockets need. Works on
// the network namespace of the CALLING THREAD, as sock_diag.hpp does.
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "record/run_record.hpp"

namespace lab::runner {

struct SocketTally {
    // TCP listeners and unconnected UDP sockets, whole (as snapshot_sockets() gives them): their queues.
    std::vector<record::SocketEntry> kept;
    // Every other socket, counted by protocol, state and port (record::SocketCount says which port).
    std::vector<record::SocketCount> counts;
    std::uint64_t total = 0;  // every socket, the kept ones included
};

// Dumps TCP listeners first, then unconnected UDP sockets (so the served ports are known), then the rest.
// Throws sys::KernelError naming the dump and the errno.
SocketTally tally_sockets();

// Only how many TCP sockets (IPv4 and IPv6) are in the states of `state_mask` (bit 1 << state, as
// include/net/tcp_states.h numbers them; the kernel filters). The cheapest question sock_diag answers.
std::uint64_t count_tcp_sockets(std::uint32_t state_mask);

// The counting of one buffer of sock_diag answers, as tally_sockets() does it: public so that it is
// tested without a kernel. `served` holds the local ports of the kept sockets of this protocol.
class SocketCounter {
public:
    explicit SocketCounter(bool tcp) : tcp_(tcp) {}
    // Counts every inet_diag_msg in a buffer of netlink messages; the number of messages counted.
    // Throws std::invalid_argument on a message too short for an inet_diag_msg.
    std::size_t add_messages(std::span<const std::byte> buffer, const std::vector<bool>& served);
    // The rows so far, appended to `out` (states named as sock_diag.hpp names them).
    void append_rows(std::vector<record::SocketCount>& out) const;

private:
    bool tcp_;
    // key: state << 17 | by_local << 16 | port. Consecutive answers mostly share a key (the kernel walks
    // its hash table, and a server's sockets all have one local port), so the last row is kept at hand.
    std::unordered_map<std::uint32_t, std::uint64_t> rows_;
    std::uint32_t last_key_ = ~0U;
    std::uint64_t* last_count_ = nullptr;
};

}  // namespace lab::runner
