#pragma once
// The runner's side of lab-wire's control protocol (control_request.hpp): one request datagram to a
// running lab-wire, one reply back. Needs nothing but a unix socket, from any namespace: the reply
// comes to a socket at CONTROL_PATH.client.PID.N, removed before returning, so the directory of
// the control path must be writable (by lab; it is 0700 and root's).
#include <chrono>
#include <string>

#include "shaping/control_request.hpp"

namespace lab::shaping {

class WireClient {
public:
    explicit WireClient(std::string control_path, std::chrono::milliseconds reply_limit = std::chrono::milliseconds(2000))
        : path_(std::move(control_path)), reply_limit_(reply_limit) {}

    // Replaces one direction's whole impairment. Throws std::runtime_error naming the wire and the request
    // when lab-wire refuses it, std::system_error when it cannot be reached or does not answer in time.
    void set_impairment(Direction direction, const Impairment& impairment);
    // The specs in force and the wire's counters.
    ControlReply query();
    // Any request; refusals are returned, not thrown.
    ControlReply send(const ControlRequest& request);

    const std::string& path() const { return path_; }

private:
    std::string path_;
    std::chrono::milliseconds reply_limit_;
};

// The transport: returns the reply text. Throws std::system_error when the wire cannot be reached or does
// not answer within `timeout`.
std::string send_wire_command(const std::string& control_path, const std::string& request_json,
                              std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

}  // namespace lab::shaping
