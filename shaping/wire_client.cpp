#include "shaping/wire_client.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <fmt/format.h>

#include "sys/unique_fd.hpp"

namespace lab::shaping {

std::string send_wire_command(const std::string& control_path, const std::string& request_json,
                              std::chrono::milliseconds timeout) {
    auto fail = [&](const char* what) -> std::system_error {
        return std::system_error(errno, std::generic_category(), std::string(what) + " (lab-wire control " + control_path + ")");
    };
    sockaddr_un server{};
    server.sun_family = AF_UNIX;
    if (control_path.size() >= sizeof server.sun_path)
        throw std::system_error(ENAMETOOLONG, std::generic_category(), "lab-wire control path " + control_path);
    std::memcpy(server.sun_path, control_path.c_str(), control_path.size() + 1);

    sys::UniqueFd fd(socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!fd) throw fail("socket");
    // The reply needs an address to go to, and it must be a path beside the wire's: abstract
    // addresses (autobind) belong to a network namespace, and the wire usually lives in another.
    static std::atomic<unsigned> counter{0};
    sockaddr_un self{};
    self.sun_family = AF_UNIX;
    const std::string self_path =
        control_path + ".client." + std::to_string(getpid()) + "." + std::to_string(counter.fetch_add(1));
    if (self_path.size() >= sizeof self.sun_path)
        throw std::system_error(ENAMETOOLONG, std::generic_category(), "lab-wire control reply path " + self_path);
    std::memcpy(self.sun_path, self_path.c_str(), self_path.size() + 1);
    ::unlink(self_path.c_str());
    if (bind(fd.get(), reinterpret_cast<sockaddr*>(&self), sizeof self) != 0) throw fail("bind reply socket");
    struct Unlink {
        std::string path;
        ~Unlink() { ::unlink(path.c_str()); }
    } unlink_reply_path{self_path};
    if (connect(fd.get(), reinterpret_cast<sockaddr*>(&server), sizeof server) != 0) throw fail("connect");
    if (send(fd.get(), request_json.data(), request_json.size(), 0) < 0) throw fail("send");

    pollfd p{fd.get(), POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(timeout.count()));
    if (ready < 0) throw fail("poll");
    if (ready == 0) {
        errno = ETIMEDOUT;
        throw fail("no reply");
    }
    std::string reply(65536, '\0');
    ssize_t n = recv(fd.get(), reply.data(), reply.size(), 0);
    if (n < 0) throw fail("recv");
    reply.resize(static_cast<std::size_t>(n));
    return reply;
}

ControlReply WireClient::send(const ControlRequest& request) {
    return decode_reply(send_wire_command(path_, encode_request(request), reply_limit_));
}

void WireClient::set_impairment(Direction direction, const Impairment& impairment) {
    const ControlRequest request = ControlRequest::set(direction, impairment);
    ControlReply reply = send(request);
    if (!reply.ok)
        throw std::runtime_error(fmt::format("lab-wire {} refused {}: {}", path_, encode_request(request), reply.error));
}

ControlReply WireClient::query() { return send(ControlRequest::query()); }

}  // namespace lab::shaping
