#pragma once
// A live run's control socket, /run/lab/ctl/<run id>.sock: `lab ctl` asks a running scenario how many
// sockets its hosts hold, or stops one of its programs now, as connscale's connections_stop() did. One
// request per connection (SOCK_SEQPACKET: a message is a message), one reply. The socket is 0600 in a 0700
// directory and the peer must be uid 0: a request changes a live run.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "sys/directory.hpp"
#include "sys/unique_fd.hpp"

namespace lab::runner {

// What `lab ctl` may ask. Plain data, parsed without a socket (so it is tested without root).
struct ControlCommand {
    enum class Kind { Status, Count, Stop, Start };
    Kind kind = Kind::Status;
    std::string process;  // Stop, Start: the scenario's process name
    std::optional<int> copy = std::nullopt;  // Start, Stop with a count: "client1.2", only that copy
    // Start always, Stop with a count: that many connections of a lab-client --ping (connscale's
    // connections_start(N) / connections_stop(N)) instead of stopping the program.
    std::optional<int> connections = std::nullopt;
};

// "status", "count", "stop NAME", "stop NAME N", "start NAME N"; an empty request is "status". A
// connection command may name one copy, NAME.K (0-based, as the record numbers them). Else the error text.
std::variant<ControlCommand, std::string> parse_control_command(std::string_view request);

inline constexpr std::size_t kControlMessageMax = 64 * 1024;

class ControlSocket {
public:
    // Binds and listens, non-blocking. Throws sys::KernelError naming the socket and errno (EADDRINUSE:
    // another live run holds that id).
    static ControlSocket open(const std::string& run_id);
    ControlSocket(ControlSocket&&) noexcept = default;
    ControlSocket& operator=(ControlSocket&&) = delete;
    ~ControlSocket();  // removes the socket file

    // Answers every connection waiting now and returns without blocking when none is: reads its one
    // request (waiting at most 100 ms for it), replies with answer(request). A peer that is not root gets
    // a refusal; a peer that went away is skipped.
    void serve(const std::function<std::string(std::string_view request)>& answer) const;

    std::string path() const;

private:
    ControlSocket(sys::Directory dir, std::string name, sys::UniqueFd fd)
        : dir_(std::move(dir)), name_(std::move(name)), fd_(std::move(fd)) {}
    sys::Directory dir_;
    std::string name_;
    sys::UniqueFd fd_;
};

// /run/lab/ctl/<run id>.sock
std::string control_socket_path(const std::string& run_id);

// The client: sends `request` to the run's socket and returns the reply. Throws std::system_error (ENOENT:
// no live run has that id) or std::runtime_error when no reply came within `timeout`.
std::string send_control_request(const std::string& run_id, std::string_view request,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace lab::runner
