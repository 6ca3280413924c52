#pragma once
// A TCP socket's own account of itself, for the client's "outq" op and the server's listener
// events: SIOCOUTQ (bytes not yet acknowledged by the peer, the number that shows data a close
// will lose) and the TCP_INFO fields that tell a dead peer from a slow one.
#include <nlohmann/json.hpp>

namespace lab::agent {

// {"state": "ESTABLISHED", "retransmits": 0, "unacked": 1, "rto_us": 204000, ...}; null when
// TCP_INFO fails. For a listener, "unacked" is the accept queue's length and "sacked" its backlog.
nlohmann::ordered_json tcp_info_json(int fd);

// SIOCOUTQ, or null when the ioctl fails.
nlohmann::ordered_json outq_json(int fd);

const char* tcp_state_name(int state);

}  // namespace lab::agent
