#pragma once
// The server end of the control protocol: a unix datagram socket at a path. Pathname sockets are
// reachable from every network namespace, so the runner (in the root namespace) can talk to a
// wire that lives in the middle one. The path is removed when the wire stops.
#include <optional>
#include <string>

#include <sys/un.h>

#include "sys/unique_fd.hpp"

namespace lab::wire {

class ControlSocket {
public:
    explicit ControlSocket(std::string path);
    ~ControlSocket();
    ControlSocket(const ControlSocket&) = delete;
    ControlSocket& operator=(const ControlSocket&) = delete;

    int fd() const { return fd_.get(); }

    struct Request {
        std::string text;
        sockaddr_un from{};
        socklen_t from_len = 0;
    };
    // One pending request, or nullopt when none is waiting.
    std::optional<Request> receive();

    // Best effort: a client that went away before the reply costs nothing.
    void reply(const Request& to, const std::string& text);

private:
    std::string path_;
    sys::UniqueFd fd_;
};

}  // namespace lab::wire
