#include "lab/agents/tcp_client.hpp"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <limits>
#include <vector>

#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "common/errno_name.hpp"
#include "sys/epoll.hpp"
#include "lab/agents/event_loop_constants.hpp"
#include "lab/agents/file_limit.hpp"
#include "sys/monotonic_clock.hpp"
#include "lab/agents/socket_report.hpp"
#include "lab/agents/stop_reason.hpp"
#include "lab/agents/tcp_socket_options.hpp"
#include "sys/termination_signals.hpp"
#include "sys/timer_heap.hpp"
#include "sys/unique_fd.hpp"

namespace lab::agent {
namespace {

using json = nlohmann::ordered_json;

// One recv op drains at most this many chunks: "what is there" must not become "everything a
// fast sender keeps sending" and starve the other connections.
constexpr int max_reads_per_recv = 64;
// Sockets plus the few fds every process has (stdio, epoll, signalfd) and some slack.
constexpr std::uint64_t spare_fds = 32;

enum class Phase {
    NotStarted,  // waiting for its --stagger slot
    Running,     // between two ops (only ever seen inside drive())
    Waiting,     // an op is under way, waiting for readiness or its timer
    Stopped,     // an op did not end ok: no further ops, socket kept for observation
    Finished,    // every op ran
};

struct Connection {
    sys::UniqueFd fd;
    Phase phase = Phase::NotStarted;
    std::size_t op = 0;  // the op under way, or the next to run
    std::int64_t op_start_ns = 0;
    std::uint64_t op_bytes = 0;
    std::uint32_t interest = 0;  // epoll events registered; 0 means not in the epoll set
    std::uint64_t timer_generation = 0;
    std::uint64_t sent_total = 0;              // since connect: what an appack compares with
    std::vector<std::size_t> deferred_options;  // keepalive/user_timeout ops run before connect
    std::string reply;                          // appack: the peer's answer so far
    std::size_t wave = 0;
    bool connect_ended = false;  // its connect op ended (or the sequence ended before one)
};

// An application-level ack reply is one short decimal line; more than this is not one.
constexpr std::size_t max_appack_reply = 32;

json name_or_null(const std::optional<std::string>& name) { return name ? json(*name) : json(nullptr); }

class TcpClient {
public:
    TcpClient(const ClientOptions& options, EventLog& log)
        : options_(options), log_(log), conns_(static_cast<std::size_t>(options.connections)), payload_(io_chunk) {
        // A recognisable pattern makes a captured stream easy to tell apart from echoed garbage.
        for (std::size_t i = 0; i < payload_.size(); ++i) payload_[i] = static_cast<char>('a' + i % 26);
    }

    int run();

private:
    void start(std::size_t i);
    void drive(std::size_t i);
    void begin_op(std::size_t i);
    void finish_op(std::size_t i, Result result, int error, json extra = json::object());
    void on_ready(std::size_t i);
    void on_timer(const sys::TimerEntry& timer);

    void begin_connect(std::size_t i);
    void complete_connect(std::size_t i);
    void continue_send(std::size_t i);
    void continue_recv(std::size_t i);
    void set_option(std::size_t i);
    void report_queues(std::size_t i);
    void check_error(std::size_t i);
    void begin_appack(std::size_t i);
    void continue_appack(std::size_t i);
    void finish_appack(std::size_t i);
    void close_socket(std::size_t i, std::optional<linger> how);

    void start_wave(std::size_t wave, std::int64_t at);  // later waves start from the timer loop, never nested
    void note_connect_ended(std::size_t i);

    void want(std::size_t i, std::uint32_t events);
    void arm_timer(std::size_t i, Duration after);
    void mark_ended(std::size_t i, Phase phase);
    int abandon_unfinished();
    json connect_names(const Connection& c) const;

    const ClientOptions& options_;
    EventLog& log_;
    std::vector<Connection> conns_;
    std::vector<char> payload_;
    std::array<char, io_chunk> inbox_{};
    sys::Epoll epoll_;
    sys::TimerHeap timers_;
    std::size_t ended_ = 0;
    std::vector<std::size_t> wave_first_;       // index of each wave's first connection, plus the end
    std::vector<std::size_t> wave_connecting_;  // per wave: connections whose connect op has not ended
    std::uint64_t bytes_sent_ = 0;
    std::uint64_t bytes_received_ = 0;
};

int TcpClient::run() {
    const std::int64_t run_start = sys::monotonic_ns();
    const std::int64_t deadline = run_start + options_.deadline.count();

    FileLimit limit = options_.nofile ? set_file_limit(*options_.nofile)
                                      : raise_file_limit(static_cast<std::uint64_t>(options_.connections) + spare_fds);
    if (limit.error != 0)
        std::fprintf(stderr, "lab-client: setrlimit(RLIMIT_NOFILE, %llu): %s\n",
                     static_cast<unsigned long long>(*options_.nofile), errno_name(limit.error).c_str());
    if (limit.soft < static_cast<std::uint64_t>(options_.connections) + spare_fds)
        std::fprintf(stderr, "lab-client: RLIMIT_NOFILE is %llu (hard %llu): connections beyond it fail with EMFILE\n",
                     static_cast<unsigned long long>(limit.soft), static_cast<unsigned long long>(limit.hard));

    sys::TerminationSignals signals;
    epoll_.add(signals.fd(), EPOLLIN, signal_key);

    std::vector<int> waves = options_.waves;
    if (waves.empty()) waves.push_back(options_.connections);
    wave_first_.push_back(0);
    for (int size : waves) {
        const std::size_t first = wave_first_.back();
        for (std::size_t i = first; i < first + static_cast<std::size_t>(size); ++i) conns_[i].wave = wave_connecting_.size();
        wave_connecting_.push_back(static_cast<std::size_t>(size));
        wave_first_.push_back(first + static_cast<std::size_t>(size));
    }
    if (options_.stagger == Duration::zero())
        for (std::size_t i = wave_first_[0]; i < wave_first_[1]; ++i) start(i);
    else
        start_wave(0, run_start);

    std::optional<std::int64_t> hold_until;
    StopReason reason = StopReason::Done;
    std::array<epoll_event, 1024> ready{};
    while (true) {
        std::int64_t now = sys::monotonic_ns();
        while (auto timer = timers_.pop_due(now)) on_timer(*timer);
        now = sys::monotonic_ns();
        if (ended_ == conns_.size() && !hold_until) hold_until = now + options_.hold.count();
        if (hold_until && now >= *hold_until) break;
        if (now >= deadline) {
            reason = StopReason::Deadline;
            break;
        }
        std::int64_t wake = deadline;
        if (auto due = timers_.next_due()) wake = std::min(wake, *due);
        if (hold_until) wake = std::min(wake, *hold_until);
        int n = epoll_.wait(ready, std::max<std::int64_t>(0, wake - now));
        bool stop = false;
        for (int k = 0; k < n; ++k) {
            if (ready[k].data.u64 == signal_key) {
                if (signals.take() != 0) stop = true;
                continue;
            }
            on_ready(ready[k].data.u64);
        }
        if (stop) {
            reason = StopReason::Signal;
            break;
        }
    }

    int abandoned = abandon_unfinished();
    std::size_t finished = 0, stopped = 0, open = 0;
    for (const auto& c : conns_) {
        finished += c.phase == Phase::Finished;
        stopped += c.phase == Phase::Stopped;
        open += c.fd.valid();
    }
    Event summary;
    summary.op = "summary";
    summary.result = abandoned > 0 ? Result::Abandoned : Result::Ok;
    summary.bytes = bytes_sent_ + bytes_received_;
    summary.start_ns = run_start;
    summary.end_ns = sys::monotonic_ns();
    summary.extra["stop"] = stop_name(reason);
    summary.extra["connections"] = conns_.size();
    summary.extra["finished"] = finished;
    summary.extra["stopped"] = stopped;
    summary.extra["abandoned"] = abandoned;
    summary.extra["open_at_exit"] = open;
    summary.extra["bytes_sent"] = bytes_sent_;
    summary.extra["bytes_received"] = bytes_received_;
    if (options_.nofile) summary.extra["nofile"] = limit.soft;
    log_.write_summary(std::move(summary));
    return reason == StopReason::Deadline && abandoned > 0 ? exit_deadline : 0;
}

void TcpClient::start_wave(std::size_t wave, std::int64_t at) {
    for (std::size_t i = wave_first_[wave]; i < wave_first_[wave + 1]; ++i)
        timers_.schedule(at + static_cast<std::int64_t>(i - wave_first_[wave]) * options_.stagger.count(), i, 0);
}

void TcpClient::note_connect_ended(std::size_t i) {
    Connection& c = conns_[i];
    if (c.connect_ended) return;
    c.connect_ended = true;
    if (--wave_connecting_[c.wave] == 0 && c.wave + 1 < wave_connecting_.size())
        start_wave(c.wave + 1, sys::monotonic_ns() + options_.wave_gap.count());
}

void TcpClient::start(std::size_t i) {
    conns_[i].phase = Phase::Running;
    drive(i);
}

void TcpClient::drive(std::size_t i) {
    Connection& c = conns_[i];
    while (c.phase == Phase::Running) {
        if (c.op >= options_.ops.size()) {
            mark_ended(i, Phase::Finished);
            return;
        }
        begin_op(i);
    }
}

void TcpClient::mark_ended(std::size_t i, Phase phase) {
    conns_[i].phase = phase;
    ++ended_;
    note_connect_ended(i);
}

void TcpClient::begin_op(std::size_t i) {
    Connection& c = conns_[i];
    const Op& op = options_.ops[c.op];
    c.op_start_ns = sys::monotonic_ns();
    c.op_bytes = 0;
    c.phase = Phase::Waiting;
    if (is_socket_option(op.kind) && !c.fd) {
        // Before connect there is no socket yet: connect applies the option to the new one.
        c.deferred_options.push_back(c.op);
        finish_op(i, Result::Ok, 0, json{{"deferred", "connect"}});
        return;
    }
    if (op.kind != OpKind::Connect && op.kind != OpKind::Sleep && !c.fd) {
        finish_op(i, Result::Error, EBADF);
        return;
    }
    switch (op.kind) {
    case OpKind::Connect:
        begin_connect(i);
        return;
    case OpKind::Send:
        if (op.timeout) arm_timer(i, *op.timeout);
        continue_send(i);
        return;
    case OpKind::Recv:
        arm_timer(i, op.timeout.value_or(default_recv_timeout));
        continue_recv(i);
        return;
    case OpKind::Sleep:
        arm_timer(i, op.length);
        return;
    case OpKind::Shutdown: {
        int rc = ::shutdown(c.fd.get(), SHUT_WR);
        finish_op(i, rc == 0 ? Result::Ok : Result::Error, rc == 0 ? 0 : errno);
        return;
    }
    case OpKind::Close:
        close_socket(i, std::nullopt);
        return;
    case OpKind::Linger0:
        close_socket(i, linger{1, 0});
        return;
    case OpKind::Linger:
        close_socket(i, linger{1, static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(op.length).count())});
        return;
    case OpKind::Keepalive:
    case OpKind::UserTimeout:
        set_option(i);
        return;
    case OpKind::Outq:
        report_queues(i);
        return;
    case OpKind::WaitError:
        arm_timer(i, op.timeout.value_or(default_wait_error_timeout));
        // ERR and HUP are reported whatever is asked for; asking for exactly them keeps the
        // socket in the epoll set without waking on data or on the peer's FIN.
        want(i, EPOLLERR | EPOLLHUP);
        return;
    case OpKind::AppAck:
        begin_appack(i);
        return;
    }
}

void TcpClient::finish_op(std::size_t i, Result result, int error, json extra) {
    Connection& c = conns_[i];
    const Op& op = options_.ops[c.op];
    if (c.fd) want(i, 0);
    ++c.timer_generation;  // whatever timer this op armed is now stale

    Event event;
    event.conn = static_cast<int>(i);
    event.op = std::string(op_name(op.kind));
    event.arg = op.arg;
    event.result = result;
    event.error = error;
    event.bytes = c.op_bytes;
    event.start_ns = c.op_start_ns;
    event.end_ns = sys::monotonic_ns();
    event.extra["op_index"] = c.op;
    event.extra.update(extra);
    log_.write(event);
    if (op.kind == OpKind::Connect) note_connect_ended(i);

    if (result == Result::Ok) {
        ++c.op;
        c.phase = Phase::Running;
    } else {
        mark_ended(i, Phase::Stopped);
    }
}

void TcpClient::on_ready(std::size_t i) {
    if (i >= conns_.size() || conns_[i].phase != Phase::Waiting) return;
    switch (options_.ops[conns_[i].op].kind) {
    case OpKind::Connect: complete_connect(i); break;
    case OpKind::Send: continue_send(i); break;
    case OpKind::Recv: continue_recv(i); break;
    case OpKind::WaitError: check_error(i); break;
    case OpKind::AppAck: continue_appack(i); break;
    default: break;
    }
    drive(i);
}

void TcpClient::on_timer(const sys::TimerEntry& timer) {
    std::size_t i = timer.key;
    Connection& c = conns_[i];
    if (c.phase == Phase::NotStarted) {
        start(i);
        return;
    }
    if (c.phase != Phase::Waiting || timer.generation != c.timer_generation) return;
    json extra = json::object();
    if (options_.ops[c.op].kind == OpKind::Connect) extra = connect_names(c);
    // A wait_error that saw nothing: say how the socket looked, so "the peer is fine" and
    // "keepalive did not fire yet" can be told apart.
    if (options_.ops[c.op].kind == OpKind::WaitError) extra["tcp_info"] = tcp_info_json(c.fd.get());
    if (options_.ops[c.op].kind == OpKind::AppAck) {
        extra["sent"] = c.sent_total;
        extra["reply"] = c.reply;
    }
    finish_op(i, options_.ops[c.op].kind == OpKind::Sleep ? Result::Ok : Result::Timeout, 0, std::move(extra));
    drive(i);
}

json TcpClient::connect_names(const Connection& c) const {
    json names = json::object();
    names["local"] = c.fd ? name_or_null(local_name(c.fd.get())) : json(nullptr);
    names["peer"] = options_.target.text();
    if (options_.waves.size() > 1) names["wave"] = c.wave;
    return names;
}

void TcpClient::begin_connect(std::size_t i) {
    Connection& c = conns_[i];
    const Op& op = options_.ops[c.op];
    sys::UniqueFd fd(::socket(options_.target.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) {
        finish_op(i, Result::Error, errno, json{{"step", "socket"}, {"peer", options_.target.text()}});
        return;
    }
    c.sent_total = 0;
    for (std::size_t k : c.deferred_options) {
        auto failure = apply_socket_option(fd.get(), options_.ops[k]);
        if (failure.error != 0) {
            c.fd = std::move(fd);
            finish_op(i, Result::Error, failure.error, json{{"step", failure.option}, {"peer", options_.target.text()}});
            return;
        }
    }
    c.deferred_options.clear();
    if (!options_.binds.empty()) {
        const Endpoint& source = options_.binds[i % options_.binds.size()];
        // Without this, bind() picks the source port before the destination is known and so
        // limits a source address to ~28k connections in total instead of per destination.
        int one = 1;
        if (!options_.port_at_bind) ::setsockopt(fd.get(), IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        if (::bind(fd.get(), source.address(), source.length) != 0) {
            int err = errno;
            c.fd = std::move(fd);
            finish_op(i, Result::Error, err, json{{"step", "bind"}, {"peer", options_.target.text()}});
            return;
        }
    }
    c.fd = std::move(fd);
    if (op.timeout) arm_timer(i, *op.timeout);
    if (::connect(c.fd.get(), options_.target.address(), options_.target.length) == 0) {
        finish_op(i, Result::Ok, 0, connect_names(c));
        return;
    }
    if (errno != EINPROGRESS) {
        int err = errno;
        finish_op(i, Result::Error, err, connect_names(c));
        return;
    }
    want(i, EPOLLOUT);
}

void TcpClient::complete_connect(std::size_t i) {
    Connection& c = conns_[i];
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(c.fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    finish_op(i, err == 0 ? Result::Ok : Result::Error, err, connect_names(c));
}

void TcpClient::continue_send(std::size_t i) {
    Connection& c = conns_[i];
    const std::uint64_t size = options_.ops[c.op].size;
    while (c.op_bytes < size) {
        std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(size - c.op_bytes, payload_.size()));
        ssize_t n = ::send(c.fd.get(), payload_.data(), chunk, MSG_NOSIGNAL);
        if (n > 0) {
            c.op_bytes += static_cast<std::uint64_t>(n);
            c.sent_total += static_cast<std::uint64_t>(n);
            bytes_sent_ += static_cast<std::uint64_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            want(i, EPOLLOUT);
            return;
        }
        finish_op(i, Result::Error, n < 0 ? errno : EIO);
        return;
    }
    // "ok" only means the kernel took the bytes; how many still wait in the send queue is what
    // tells a send into a dead peer apart from one that was delivered.
    int unsent = 0;
    json extra = json::object();
    extra["outq"] = ::ioctl(c.fd.get(), SIOCOUTQ, &unsent) == 0 ? json(unsent) : json(nullptr);
    finish_op(i, Result::Ok, 0, std::move(extra));
}

void TcpClient::continue_recv(std::size_t i) {
    Connection& c = conns_[i];
    for (int reads = 0; reads < max_reads_per_recv; ++reads) {
        ssize_t n = ::recv(c.fd.get(), inbox_.data(), inbox_.size(), 0);
        if (n > 0) {
            c.op_bytes += static_cast<std::uint64_t>(n);
            bytes_received_ += static_cast<std::uint64_t>(n);
            continue;
        }
        if (n == 0) {
            // Data then FIN in one go: the data is the op's result, the FIN is noted and the
            // next recv reports it as eof.
            if (c.op_bytes > 0)
                finish_op(i, Result::Ok, 0, json{{"eof", true}});
            else
                finish_op(i, Result::Eof, 0);
            return;
        }
        if (errno == EINTR) {
            --reads;
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (c.op_bytes > 0)
                finish_op(i, Result::Ok, 0);
            else
                want(i, EPOLLIN);
            return;
        }
        finish_op(i, Result::Error, errno);
        return;
    }
    finish_op(i, Result::Ok, 0);
}

void TcpClient::set_option(std::size_t i) {
    auto failure = apply_socket_option(conns_[i].fd.get(), options_.ops[conns_[i].op]);
    if (failure.error != 0)
        finish_op(i, Result::Error, failure.error, json{{"step", failure.option}});
    else
        finish_op(i, Result::Ok, 0);
}

void TcpClient::report_queues(std::size_t i) {
    int fd = conns_[i].fd.get();
    finish_op(i, Result::Ok, 0, json{{"outq", outq_json(fd)}, {"tcp_info", tcp_info_json(fd)}});
}

void TcpClient::check_error(std::size_t i) {
    Connection& c = conns_[i];
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(c.fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    // The socket's state when the error surfaced (CLOSE after a keepalive timeout) belongs in the
    // event; read before anything else can change it.
    json extra{{"tcp_info", tcp_info_json(c.fd.get())}};
    finish_op(i, err != 0 ? Result::Error : Result::Eof, err, std::move(extra));
}

void TcpClient::begin_appack(std::size_t i) {
    Connection& c = conns_[i];
    c.reply.clear();
    // The FIN is the request: "that was everything, how much of it did you get?"
    if (::shutdown(c.fd.get(), SHUT_WR) != 0) {
        finish_op(i, Result::Error, errno, json{{"step", "shutdown"}, {"sent", c.sent_total}});
        return;
    }
    arm_timer(i, options_.ops[c.op].timeout.value_or(default_appack_timeout));
    continue_appack(i);
}

void TcpClient::continue_appack(std::size_t i) {
    Connection& c = conns_[i];
    while (true) {
        ssize_t n = ::recv(c.fd.get(), inbox_.data(), inbox_.size(), 0);
        if (n > 0) {
            c.op_bytes += static_cast<std::uint64_t>(n);
            bytes_received_ += static_cast<std::uint64_t>(n);
            c.reply.append(inbox_.data(), std::min<std::size_t>(static_cast<std::size_t>(n), max_appack_reply));
            if (c.reply.size() > max_appack_reply) c.reply.resize(max_appack_reply);
            continue;
        }
        if (n == 0) {
            finish_appack(i);
            return;
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            want(i, EPOLLIN);
            return;
        }
        // ECONNRESET here is the loss the ack exists to reveal: the peer never saw the data.
        finish_op(i, Result::Error, errno, json{{"sent", c.sent_total}, {"reply", c.reply}});
        return;
    }
}

void TcpClient::finish_appack(std::size_t i) {
    Connection& c = conns_[i];
    std::string_view text = c.reply;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
    std::uint64_t acked = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), acked);
    json extra{{"sent", c.sent_total}, {"reply", c.reply}};
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
        // A FIN without an answer: the peer closed without acknowledging anything.
        finish_op(i, Result::Error, text.empty() ? ECONNABORTED : EPROTO, std::move(extra));
        return;
    }
    extra["acked"] = acked;
    finish_op(i, acked == c.sent_total ? Result::Ok : Result::Error, acked == c.sent_total ? 0 : EPROTO, std::move(extra));
}

// With a linger time close() blocks the whole loop (Linux ignores O_NONBLOCK there) until the FIN is
// acknowledged, a reset arrives or the time runs out, and returns 0 in every case: that is what the
// seeds' "SO_LINGER does not help" means, and the event's duration shows which of the three it was.
void TcpClient::close_socket(std::size_t i, std::optional<linger> how) {
    Connection& c = conns_[i];
    if (how) {
        if (::setsockopt(c.fd.get(), SOL_SOCKET, SO_LINGER, &*how, sizeof *how) != 0) {
            finish_op(i, Result::Error, errno, json{{"step", "setsockopt"}});
            return;
        }
    }
    want(i, 0);
    int err = c.fd.close_now();
    finish_op(i, err == 0 ? Result::Ok : Result::Error, err);
}

void TcpClient::want(std::size_t i, std::uint32_t events) {
    Connection& c = conns_[i];
    if (events == c.interest) return;
    // A socket that waits for nothing leaves the epoll set: EPOLLERR/EPOLLHUP are reported even
    // with no events asked for, and a reset socket kept for observation would wake the loop forever.
    if (events == 0)
        epoll_.remove(c.fd.get());
    else if (c.interest == 0)
        epoll_.add(c.fd.get(), events, i);
    else
        epoll_.modify(c.fd.get(), events, i);
    c.interest = events;
}

void TcpClient::arm_timer(std::size_t i, Duration after) {
    Connection& c = conns_[i];
    ++c.timer_generation;
    timers_.schedule(c.op_start_ns + after.count(), i, c.timer_generation);
}

int TcpClient::abandon_unfinished() {
    int abandoned = 0;
    const std::int64_t now = sys::monotonic_ns();
    for (std::size_t i = 0; i < conns_.size(); ++i) {
        Connection& c = conns_[i];
        if (c.phase != Phase::Waiting && c.phase != Phase::NotStarted) continue;
        if (c.phase == Phase::NotStarted) c.op_start_ns = now;
        finish_op(i, Result::Abandoned, 0);
        ++abandoned;
    }
    return abandoned;
}

}  // namespace

int run_tcp_client(const ClientOptions& options, EventLog& log) {
    TcpClient client(options, log);
    return client.run();
}

}  // namespace lab::agent
