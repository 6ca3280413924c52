#include "lab/wire/control_socket.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace lab::wire {

ControlSocket::ControlSocket(std::string path) : path_(std::move(path)) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path_.empty() || path_.size() >= sizeof addr.sun_path)
        throw std::system_error(ENAMETOOLONG, std::generic_category(), "control socket path '" + path_ + "'");
    std::memcpy(addr.sun_path, path_.c_str(), path_.size() + 1);
    fd_ = sys::UniqueFd(socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd_) throw std::system_error(errno, std::generic_category(), "control socket");
    // A socket left by a wire that was killed would make bind fail; anything else at the path is
    // not ours to remove.
    struct stat st {};
    if (lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) ::unlink(path_.c_str());
    if (bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        throw std::system_error(errno, std::generic_category(), "bind control socket " + path_);
}

ControlSocket::~ControlSocket() { ::unlink(path_.c_str()); }

std::optional<ControlSocket::Request> ControlSocket::receive() {
    Request r;
    char buffer[65536];
    r.from_len = sizeof r.from;
    ssize_t n = recvfrom(fd_.get(), buffer, sizeof buffer, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&r.from), &r.from_len);
    if (n < 0) return std::nullopt;
    r.text.assign(buffer, static_cast<std::size_t>(n));
    return r;
}

void ControlSocket::reply(const Request& to, const std::string& text) {
    if (to.from_len <= sizeof(sa_family_t)) return;  // an unbound client cannot be answered
    sendto(fd_.get(), text.data(), text.size(), MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&to.from), to.from_len);
}

}  // namespace lab::wire
