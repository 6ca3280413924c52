#pragma once
// The runner's side of the control protocol (see control_command.hpp): one request datagram to a
// running lab-wire, one reply back. Needs nothing but a unix socket, from any namespace: the reply
// comes to a socket at CONTROL_PATH.client.PID.N, removed before returning, so the directory of
// the control path must be writable.
#include <chrono>
#include <string>

namespace lab::wire {

// Returns the reply text, e.g. {"ok":true,...} or {"ok":false,"error":"..."}. Throws
// std::system_error when the wire cannot be reached or does not answer within `timeout`.
std::string send_wire_command(const std::string& control_path, const std::string& request_json,
                              std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

}  // namespace lab::wire
