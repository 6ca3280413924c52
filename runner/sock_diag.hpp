#pragma once
// The kernel's own view of a namespace's sockets, as `ss -tuan` shows it, taken through sock_diag.
// Every function here works on the network namespace of the CALLING THREAD: run it on a thread that
// entered the namespace with setns().
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "record/run_record.hpp"
#include "sys/kernel_error.hpp"

namespace lab::runner {

// The entry is the RunRecord's own, so a snapshot goes into the record as it is. Its fields as filled here:
// - state: the kernel's names in lower case ("established", "syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2",
//   "time-wait", "close", "close-wait", "last-ack", "listen", "closing"). Request sockets (the kernel's
//   NEW_SYN_RECV) are "syn-recv", as ss shows them. A TCP socket bound but neither listening nor connected is
//   "close", and so is an unconnected UDP socket (ss says UNCONN).
// - addresses: numeric; a v4 peer of a dual-stack socket stays v4-mapped ("::ffff:198.18.0.2").
// - recv_q/send_q: for a listener the accept queue's length and the backlog it was given (as ss shows); for
//   others, bytes queued (TCP) or memory charged (UDP) in each direction.
// - inode: 0 for request and time-wait sockets, which no file refers to.
using SocketEntry = record::SocketEntry;

// Every TCP and UDP socket (IPv4 and IPv6) in every state, request and time-wait sockets included.
// Throws sys::KernelError naming the operation and the errno.
std::vector<SocketEntry> snapshot_sockets();

// The name above for a kernel state number (include/net/tcp_states.h); "state-<n>" for one it does not know.
std::string state_name(unsigned kernel_state);

// One sock_diag answer (a whole netlink message, header included) as an entry: what snapshot_sockets does
// for each socket, public so that decoding is tested without a kernel. Throws std::invalid_argument on a
// message that is not a well-formed inet_diag_msg.
SocketEntry decode_sock_diag_message(std::string_view protocol, std::span<const std::byte> message);

}  // namespace lab::runner
