#pragma once
// The socket options the client's ops set: keepalive and TCP_USER_TIMEOUT, the two ways a TCP
// endpoint learns that a silent peer is gone (epoll alone never tells: no FIN, no RST, no EPOLLIN).
#include <nlohmann/json.hpp>

#include "lab/agents/op_sequence.hpp"

namespace lab::agent {

struct OptionFailure {
    int error = 0;             // errno of the failing setsockopt, 0 on success
    const char* option = "";   // its name, for the event's "step"
};

// Applies op (keepalive or user_timeout) to fd.
OptionFailure apply_socket_option(int fd, const Op& op);

}  // namespace lab::agent
