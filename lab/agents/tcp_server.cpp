#include "lab/agents/tcp_server.hpp"

#include <array>
#include <cerrno>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>

#include "common/errno_name.hpp"
#include "lab/agents/acceptor_threads.hpp"
#include "sys/epoll.hpp"
#include "lab/agents/event_loop_constants.hpp"
#include "lab/agents/file_limit.hpp"
#include "lab/agents/http_request_end.hpp"
#include "sys/monotonic_clock.hpp"
#include "lab/agents/socket_report.hpp"
#include "lab/agents/start_signal.hpp"
#include "sys/termination_signals.hpp"
#include "sys/unique_fd.hpp"

namespace lab::agent {
namespace {

using json = nlohmann::ordered_json;

constexpr std::uint64_t listener_key = signal_key - 1;
constexpr std::uint64_t handoff_key = signal_key - 2;
// Bounds on the work done for one readiness report, so that one busy peer or a burst of
// connections cannot starve the rest of the loop.
constexpr int max_accepts_per_wake = 64;
constexpr int max_reads_per_connection = 16;
// After EMFILE and friends the listener stays readable; accepting again at once would spin.
constexpr std::int64_t accept_pause_ns = 250'000'000;

struct ServedConnection {
    sys::UniqueFd fd;
    std::int64_t accepted_ns = 0;
    std::uint64_t received = 0;
    std::uint64_t sent = 0;
    std::string peer;
    std::string unsent;  // echo data the peer's window has no room for yet
    std::size_t unsent_offset = 0;
    std::uint32_t interest = 0;
    bool ended = false;
    bool closing = false;  // ack, http: the reply is queued; close once it is sent
    HttpRequestEnd request_end;  // http
};

bool resource_shortage(int err) { return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM; }

class TcpServer {
public:
    TcpServer(const ServerOptions& options, EventLog& log) : options_(options), log_(log) {}

    int run();

private:
    bool open_listener();
    int fail_listen(const char* step);
    void set_accepting(bool on);
    void accept_ready();
    void adopt(sys::UniqueFd fd, std::string peer, Event event);
    void take_handoffs();
    void close_listener(std::int64_t at_ns);
    void stop_acceptors();
    void on_ready(std::size_t i, std::uint32_t events);
    void read_ready(std::size_t i);
    bool flush_unsent(std::size_t i);
    void end_connection(std::size_t i, Result result, int error, json extra = json::object());
    void want(std::size_t i, std::uint32_t events);
    std::uint32_t reading_interest() const;

    const ServerOptions& options_;
    EventLog& log_;
    sys::Epoll epoll_;
    sys::UniqueFd listener_;
    Event listen_event_;
    bool accepting_ = false;
    std::unique_ptr<SharedGate> gate_;  // created at listen(): the policies count from then
    std::unique_ptr<AcceptorThreads> acceptors_;
    std::int64_t paused_until_ = 0;     // after EMFILE and friends (inline accepting)
    std::vector<ServedConnection> conns_;
    std::array<char, io_chunk> inbox_{};
    std::uint64_t received_ = 0;
    std::uint64_t sent_ = 0;
    // --per-second: counts since the last "second" line, and connections accepted and not yet ended.
    void report_second(std::int64_t from_ns, std::int64_t to_ns);
    std::uint64_t second_accepted_ = 0;
    std::map<std::string, std::uint64_t> second_ended_;  // "eof", "error.ECONNRESET", ...
    std::int64_t established_ = 0;
};

int TcpServer::run() {
    const std::int64_t run_start = sys::monotonic_ns();
    // The server never knows how many peers will come: take all the fds the hard limit allows,
    // unless the scenario asked for a low limit to see EMFILE. That limit is set first, as
    // `ulimit -n` would: the agent's own fds (epoll, signalfd, listener, acceptor threads' eventfds
    // and epolls) count against it, and the listen event says how many there are.
    FileLimit limit = options_.nofile ? set_file_limit(*options_.nofile)
                                      : raise_file_limit(std::numeric_limits<std::uint64_t>::max());

    sys::TerminationSignals signals;
    epoll_.add(signals.fd(), EPOLLIN, signal_key);
    if (options_.nofile && limit.error != 0) {
        errno = limit.error;
        return fail_listen("setrlimit");
    }
    if (!open_listener()) return exit_listen_failed;
    // Prestarted: listening before the timeline's clock starts, and from its step on like any other.
    if (options_.start_on_signal) hold_until_start_signal();
    const std::int64_t listening_since = sys::monotonic_ns();
    // Counted from the release, like every other time of the server's, so that a prestarted server lives
    // as long after its step as a started one, however long its start took.
    const std::int64_t deadline = listening_since + options_.deadline.count();
    gate_.reset(new SharedGate{AcceptGate(options_.accept, listening_since), {}});
    std::optional<std::int64_t> close_at;
    if (options_.close_listener_at) close_at = listening_since + options_.close_listener_at->count();
    if (options_.acceptors > 0) {
        // Their eventfds and epolls count against a low --nofile too: failing here is a setup failure.
        try {
            acceptors_ = std::make_unique<AcceptorThreads>(listener_.get(), options_.acceptor_wait, options_.acceptors, *gate_);
            epoll_.add(acceptors_->ready_fd(), EPOLLIN, handoff_key);
        } catch (const std::system_error& e) {
            acceptors_.reset();
            errno = e.code().value();
            return fail_listen("acceptor threads");
        }
    }
    if (options_.nofile)
        listen_event_.extra["nofile"] = json{{"soft", limit.soft}, {"hard", limit.hard}, {"fds_open", open_fd_count()}};
    log_.write(listen_event_);

    std::string stop = "deadline";
    std::array<epoll_event, 1024> ready{};
    std::int64_t interval_start = listening_since;
    while (true) {
        std::int64_t now = sys::monotonic_ns();
        if (options_.per_second && now >= interval_start + options_.report_every.count()) {
            report_second(interval_start, now);
            interval_start = now;
        }
        if (now >= deadline) break;
        if (close_at && listener_ && now >= *close_at) close_listener(now);
        std::int64_t wake = deadline;
        if (options_.per_second) wake = std::min(wake, interval_start + options_.report_every.count());
        if (close_at && listener_) wake = std::min(wake, *close_at);
        if (listener_ && !acceptors_) {
            // Inline accepting follows the gate: the listener is in the epoll set only while an
            // accept is allowed, so a "never" server does not spin on a readable listener.
            auto next = gate_->gate.next_allowed(now);
            if (next) next = std::max(*next, paused_until_);
            set_accepting(next && *next <= now);
            if (next && *next > now) wake = std::min(wake, *next);
        }
        int n = epoll_.wait(ready, std::max<std::int64_t>(0, wake - now));
        bool stop_requested = false;
        for (int k = 0; k < n; ++k) {
            std::uint64_t key = ready[k].data.u64;
            if (key == signal_key) {
                if (signals.take() != 0) stop_requested = true;
            } else if (key == listener_key) {
                accept_ready();
            } else if (key == handoff_key) {
                take_handoffs();
            } else {
                on_ready(key, ready[k].events);
            }
        }
        if (stop_requested) {
            stop = "signal";
            break;
        }
    }
    stop_acceptors();

    // Connections still open are recorded too, so the log accounts for every accepted one.
    std::size_t open = 0;
    for (std::size_t i = 0; i < conns_.size(); ++i) {
        if (!conns_[i].ended) end_connection(i, Result::Abandoned, 0);
        open += conns_[i].fd.valid();
    }
    if (options_.per_second) report_second(interval_start, sys::monotonic_ns());
    Event summary;
    summary.op = "summary";
    summary.bytes = received_;
    summary.start_ns = run_start;
    summary.end_ns = sys::monotonic_ns();
    summary.extra["stop"] = stop;
    summary.extra["accepted"] = conns_.size();
    summary.extra["bytes_received"] = received_;
    summary.extra["bytes_sent"] = sent_;
    summary.extra["open_at_exit"] = open;
    summary.extra["accept_errors"] = log_.counts().count("accept") && log_.counts().at("accept").count("error")
                                         ? log_.counts().at("accept").at("error")
                                         : 0;
    log_.write_summary(std::move(summary));
    return 0;
}

int TcpServer::fail_listen(const char* step) {
    listen_event_.op = "listen";
    listen_event_.arg = options_.listen.text();
    if (listen_event_.start_ns == 0) listen_event_.start_ns = sys::monotonic_ns();
    listen_event_.fail_at(step, errno);
    log_.write(listen_event_);
    return exit_listen_failed;
}

// Fills listen_event_; run() writes it once the acceptors exist too, or fail_listen() at once.
bool TcpServer::open_listener() {
    Event& event = listen_event_;
    event.op = "listen";
    event.arg = options_.listen.text();
    event.start_ns = sys::monotonic_ns();
    event.extra["backlog"] = options_.backlog;
    event.extra["accept"] = options_.accept.text();
    event.extra["mode"] = server_mode_name(options_.mode);
    if (options_.linger) event.extra["linger"] = *options_.linger;
    if (options_.acceptors > 0) {
        event.extra["acceptors"] = options_.acceptors;
        event.extra["acceptor_wait"] = options_.acceptor_wait == AcceptorWait::Block ? "block" : "epoll";
    }
    auto fail = [&](const char* step) {
        fail_listen(step);
        return false;
    };
    listener_ = sys::UniqueFd(::socket(options_.listen.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!listener_) return fail("socket");
    int one = 1;
    if (options_.reuseaddr && ::setsockopt(listener_.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
        return fail("setsockopt");
    if (options_.reuseport && ::setsockopt(listener_.get(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0)
        return fail("setsockopt");
    if (::bind(listener_.get(), options_.listen.address(), options_.listen.length) != 0) return fail("bind");
    if (::listen(listener_.get(), options_.backlog) != 0) return fail("listen");
    if (options_.spread) {
        int modulus = options_.spread->modulus;  // options insist on it for TCP
        if (int err = attach_reuseport_spread(listener_.get(), options_.spread->kind, modulus); err != 0) {
            errno = err;
            return fail("SO_ATTACH_REUSEPORT_CBPF");
        }
        event.extra["reuseport_cbpf"] = options_.spread->text();
    }

    event.end_ns = sys::monotonic_ns();
    // With port 0 the kernel chose the port; the event is where a runner learns it.
    auto local = local_name(listener_.get());
    event.extra["local"] = local ? json(*local) : json(nullptr);
    return true;
}

void TcpServer::set_accepting(bool on) {
    if (on == accepting_) return;
    if (on)
        epoll_.add(listener_.get(), EPOLLIN, listener_key);
    else
        epoll_.remove(listener_.get());
    accepting_ = on;
}

void TcpServer::accept_ready() {
    for (int k = 0; k < max_accepts_per_wake; ++k) {
        std::int64_t now = sys::monotonic_ns();
        auto next = gate_->gate.next_allowed(now);
        if (!next || *next > now) return;  // the loop re-arms the listener when the gate opens
        Event event;
        event.op = "accept";
        event.start_ns = now;
        sockaddr_storage peer{};
        socklen_t peer_length = sizeof peer;
        sys::UniqueFd fd(::accept4(listener_.get(), reinterpret_cast<sockaddr*>(&peer), &peer_length,
                              SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!fd) {
            int err = errno;
            if (err == EAGAIN || err == EWOULDBLOCK) return;
            if (err == EINTR) continue;
            event.result = Result::Error;
            event.error = err;
            event.end_ns = sys::monotonic_ns();
            log_.write(event);
            // The connection stays in the accept queue; the listener stays readable, and
            // accepting again at once would spin.
            if (resource_shortage(err)) {
                paused_until_ = event.end_ns + accept_pause_ns;
                set_accepting(false);
                return;
            }
            continue;
        }
        gate_->gate.take(now);
        event.end_ns = sys::monotonic_ns();
        adopt(std::move(fd), endpoint_text(reinterpret_cast<const sockaddr*>(&peer), peer_length), std::move(event));
    }
}

void TcpServer::take_handoffs() {
    for (auto& accepted : acceptors_->take()) {
        if (!accepted.fd)
            log_.write(accepted.event);
        else
            adopt(std::move(accepted.fd), std::move(accepted.peer), std::move(accepted.event));
    }
}

void TcpServer::adopt(sys::UniqueFd fd, std::string peer, Event event) {
    std::size_t i = conns_.size();
    ServedConnection& c = conns_.emplace_back();
    c.fd = std::move(fd);
    c.accepted_ns = event.end_ns;
    ++established_;
    if (options_.per_second) {
        ++second_accepted_;  // the peer's name is not kept: at a million connections it is 30 MB
    } else {
        c.peer = std::move(peer);
        event.conn = static_cast<int>(i);
        event.extra["peer"] = c.peer;
        auto local = local_name(c.fd.get());
        event.extra["local"] = local ? json(*local) : json(nullptr);
        log_.write(event);
    }
    if (options_.mode == ServerMode::Reset || options_.linger) {
        linger value{1, options_.mode == ServerMode::Reset ? 0 : *options_.linger};
        if (::setsockopt(c.fd.get(), SOL_SOCKET, SO_LINGER, &value, sizeof value) != 0) {
            end_connection(i, Result::Error, errno, json{{"step", "SO_LINGER"}});
            return;
        }
    }
    if (options_.mode == ServerMode::Reset) {
        end_connection(i, Result::Ok, 0, json{{"reset", true}});
        return;
    }
    want(i, reading_interest());
}

void TcpServer::close_listener(std::int64_t at_ns) {
    stop_acceptors();
    set_accepting(false);
    Event event;
    event.op = "close_listener";
    event.arg = options_.listen.text();
    event.start_ns = at_ns;
    // What the accept queue held: these connections get an RST as the listener goes.
    json info = tcp_info_json(listener_.get());
    event.extra["accept_queue"] = info.is_object() ? info["unacked"] : json(nullptr);
    int err = listener_.close_now();
    event.result = err == 0 ? Result::Ok : Result::Error;
    event.error = err;
    event.end_ns = sys::monotonic_ns();
    log_.write(event);
}

void TcpServer::stop_acceptors() {
    if (!acceptors_) return;
    acceptors_->stop();
    take_handoffs();  // connections accepted just before the stop are still served and logged
    epoll_.remove(acceptors_->ready_fd());
    acceptors_.reset();
}

std::uint32_t TcpServer::reading_interest() const {
    // hold never reads, but still learns when the peer sends FIN (RDHUP) or RST (ERR/HUP).
    return options_.mode == ServerMode::Hold ? EPOLLRDHUP : EPOLLIN;
}

void TcpServer::on_ready(std::size_t i, std::uint32_t events) {
    if (i >= conns_.size() || conns_[i].ended) return;
    ServedConnection& c = conns_[i];
    if (options_.mode == ServerMode::Hold) {
        int err = 0;
        socklen_t len = sizeof err;
        if ((events & EPOLLERR) && ::getsockopt(c.fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err != 0)
            end_connection(i, Result::Error, err);
        else
            end_connection(i, Result::Eof, 0);
        return;
    }
    if (!c.unsent.empty() && (!flush_unsent(i) || !c.unsent.empty())) return;
    read_ready(i);
}

void TcpServer::read_ready(std::size_t i) {
    ServedConnection& c = conns_[i];
    for (int reads = 0; reads < max_reads_per_connection; ++reads) {
        ssize_t n = ::recv(c.fd.get(), inbox_.data(), inbox_.size(), 0);
        if (n == 0 && options_.mode == ServerMode::Ack) {
            c.unsent = std::to_string(c.received) + "\n";
            c.unsent_offset = 0;
            c.closing = true;
            flush_unsent(i);
            return;
        }
        if (n == 0) {
            end_connection(i, Result::Eof, 0);
            return;
        }
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) end_connection(i, Result::Error, errno);
            return;
        }
        c.received += static_cast<std::uint64_t>(n);
        received_ += static_cast<std::uint64_t>(n);
        if (options_.mode == ServerMode::Http && !c.closing &&
            c.request_end.feed(std::string_view(inbox_.data(), static_cast<std::size_t>(n)))) {
            c.unsent = http_response;
            c.unsent_offset = 0;
            c.closing = true;
            flush_unsent(i);
            return;
        }
        if (options_.mode != ServerMode::Echo) continue;
        c.unsent.assign(inbox_.data(), static_cast<std::size_t>(n));
        c.unsent_offset = 0;
        if (!flush_unsent(i) || !c.unsent.empty()) return;
    }
}

// Returns false when the connection ended. While echo data is pending the connection stops
// reading, so a peer that does not read its replies is throttled by TCP, not by our memory.
bool TcpServer::flush_unsent(std::size_t i) {
    ServedConnection& c = conns_[i];
    while (c.unsent_offset < c.unsent.size()) {
        ssize_t n = ::send(c.fd.get(), c.unsent.data() + c.unsent_offset, c.unsent.size() - c.unsent_offset, MSG_NOSIGNAL);
        if (n > 0) {
            c.unsent_offset += static_cast<std::size_t>(n);
            c.sent += static_cast<std::uint64_t>(n);
            sent_ += static_cast<std::uint64_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            want(i, EPOLLOUT);
            return true;
        }
        end_connection(i, Result::Error, n < 0 ? errno : EIO);
        return false;
    }
    c.unsent.clear();
    c.unsent_offset = 0;
    if (c.closing) {
        end_connection(i, Result::Ok, 0,
                       options_.mode == ServerMode::Http ? json{{"answered", "http"}} : json{{"acked", c.received}});
        return false;
    }
    want(i, reading_interest());
    return true;
}

void TcpServer::end_connection(std::size_t i, Result result, int error, json extra) {
    ServedConnection& c = conns_[i];
    want(i, 0);
    c.ended = true;
    Event event;
    event.conn = static_cast<int>(i);
    event.op = "conn_end";
    event.result = result;
    event.error = error;
    event.bytes = c.received;
    event.start_ns = c.accepted_ns;
    event.end_ns = sys::monotonic_ns();
    event.extra["peer"] = c.peer;
    event.extra["sent"] = c.sent;
    event.extra.update(extra);
    // hold keeps even ended sockets (CLOSE_WAIT after the peer's FIN) so a snapshot can see them.
    if (options_.mode != ServerMode::Hold) {
        // With SO_LINGER {1, N} close() blocks until the data is acknowledged or N runs out;
        // how long it took is the point of a linger scenario.
        std::int64_t close_start = sys::monotonic_ns();
        int err = c.fd.close_now();
        event.extra["close_ns"] = sys::monotonic_ns() - close_start;
        if (err != 0) event.extra["close_errno"] = errno_name(err);
    }
    event.end_ns = sys::monotonic_ns();
    --established_;
    if (options_.per_second) {
        ++second_ended_[error == 0 ? std::string(result_name(result)) : std::string(result_name(result)) + "." + errno_name(error)];
        return;
    }
    log_.write(event);
}

void TcpServer::report_second(std::int64_t from_ns, std::int64_t to_ns) {
    Event event;
    event.op = "second";
    event.start_ns = from_ns;
    event.end_ns = to_ns;
    event.extra["accepted"] = second_accepted_;
    event.extra["established"] = established_;
    event.extra["connections"] = conns_.size();
    json ended = json::object();
    for (const auto& [what, n] : second_ended_) ended[what] = n;
    event.extra["ended"] = std::move(ended);
    event.extra["bytes_received"] = received_;
    event.extra["bytes_sent"] = sent_;
    log_.write(event);
    second_accepted_ = 0;
    second_ended_.clear();
}

void TcpServer::want(std::size_t i, std::uint32_t events) {
    ServedConnection& c = conns_[i];
    if (events == c.interest || !c.fd) return;
    if (events == 0)
        epoll_.remove(c.fd.get());
    else if (c.interest == 0)
        epoll_.add(c.fd.get(), events, i);
    else
        epoll_.modify(c.fd.get(), events, i);
    c.interest = events;
}

}  // namespace

int run_tcp_server(const ServerOptions& options, EventLog& log) {
    TcpServer server(options, log);
    return server.run();
}

}  // namespace lab::agent
