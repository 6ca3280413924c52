#include "lab/agents/ping_client.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/errno_name.hpp"
#include "lab/agents/file_limit.hpp"
#include "lab/agents/ping_second.hpp"
#include "lab/agents/tcp_client.hpp"
#include "sys/connection_commands.hpp"
#include "sys/epoll.hpp"
#include "sys/monotonic_clock.hpp"
#include "sys/termination_signals.hpp"

namespace lab::agent {
namespace {

using json = nlohmann::ordered_json;

// Beyond the connections: stdio, the epolls, the signalfd, some slack.
constexpr std::uint64_t spare_fds = 64;
// One loop turn starts at most this many connections, so a late thread catching up on its ramp still
// answers the pongs of the connections it has.
constexpr std::uint64_t max_starts_per_turn = 512;
// Workers look at the stop flags at least this often.
constexpr std::int64_t max_wait_ns = 20'000'000;

enum class ConnState : std::uint8_t { Idle, Connecting, Open, Failed, Closed };

// Everything a connection needs, 16 bytes: a million of them are 16 MB. Timers live in three FIFO
// queues instead (see Worker): every connection has the same interval and timeouts, so deadlines come
// due in the order they were set and no heap or per-connection timer is needed.
struct PingConnection {
    sys::UniqueFd fd;  // an int: closing it also takes it out of the epoll set
    ConnState state : 3 = ConnState::Idle;
    bool pinging : 1 = false;    // a ping is out, its pong not whole yet
    bool late : 1 = false;       // ... and it was already counted as timed out
    bool ping_owed : 1 = false;  // the next ping fell due while this one was late: send on its pong
    std::uint8_t pong_bytes = 0;  // of the outstanding ping's pong
    std::int64_t since_ns = 0;    // connect() or the outstanding ping's send
};
static_assert(sizeof(PingConnection) == 16);

struct Due {
    std::int64_t at_ns;
    std::uint32_t conn;
};

// One thread's share of the connections and its epoll loop. The reporter takes `mutex` once per
// interval to take the counts; the loop holds it while it handles one batch of readiness.
class Worker {
public:
    // `slots`: the most connections it may start; `initial`: how many it starts at once (at the ramp).
    Worker(const ClientOptions& options, std::size_t first, std::size_t slots, std::size_t initial, double rate_per_ns)
        : wanted(initial), options_(options), plan_(*options.ping), first_(first), conns_(slots),
          rate_per_ns_(rate_per_ns), seen_wanted_(initial) {
        payload_.assign(plan_.size, 'p');
    }
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    void run(std::int64_t start_ns);

    std::mutex mutex;
    PingSecond second;  // under mutex
    std::atomic<std::int64_t> established{0};
    std::atomic<std::uint64_t> settled{0};      // connections whose connect ended, ok or not
    std::atomic<std::uint64_t> outstanding{0};  // pings sent, pong not yet whole
    std::atomic<bool> draining{false};          // no new connects or pings; pongs still counted
    std::atomic<bool> stop{false};
    // Set by the commands (connection_commands.hpp): connections to have started, at most slots(); and
    // how many of the newest live ones to close.
    std::atomic<std::size_t> wanted;
    std::atomic<std::uint64_t> close_requested{0};

    std::size_t slots() const { return conns_.size(); }

private:
    void take_commands(std::int64_t now);
    void close_by_command(std::uint32_t i);
    void start_next(std::int64_t now);
    void connect_failed(std::uint32_t i, int err, std::int64_t now);
    void on_ready(std::uint32_t i, std::uint32_t events, std::int64_t now);
    void complete_connect(std::uint32_t i, std::int64_t now);
    void read_pong(std::uint32_t i, std::int64_t now);
    void send_ping(std::uint32_t i, std::int64_t now);
    void close_connection(std::uint32_t i, int err);
    void expire(std::int64_t now);
    std::int64_t next_wake(std::int64_t now) const;

    const ClientOptions& options_;
    const PingPlan& plan_;
    std::size_t first_;  // global index of conns_[0], for the round-robin over source addresses
    std::vector<PingConnection> conns_;
    double rate_per_ns_;  // 0: no ramp
    std::size_t seen_wanted_;  // `wanted` as this loop last took it
    // The ramp runs from here: ramp_base_ connections had started at ramp_start_ns_ (a start command that
    // finds the earlier ones all started begins it again).
    std::int64_t ramp_start_ns_ = 0;
    std::size_t ramp_base_ = 0;
    std::size_t started_ = 0;
    sys::Epoll epoll_;
    std::deque<Due> connect_deadlines_, ping_due_, pong_deadlines_;
    std::vector<char> payload_;
    std::array<char, 4096> inbox_{};
};

void Worker::run(std::int64_t start_ns) {
    ramp_start_ns_ = start_ns;
    std::array<epoll_event, 1024> ready{};
    while (!stop.load(std::memory_order_relaxed)) {
        std::int64_t now = sys::monotonic_ns();
        {
            std::lock_guard lock(mutex);
            expire(now);
            take_commands(now);
            if (!draining.load(std::memory_order_relaxed)) start_next(now);
        }
        now = sys::monotonic_ns();
        int n = epoll_.wait(ready, std::clamp<std::int64_t>(next_wake(now) - now, 0, max_wait_ns));
        now = sys::monotonic_ns();
        std::lock_guard lock(mutex);
        for (int k = 0; k < n; ++k) on_ready(static_cast<std::uint32_t>(ready[k].data.u64), ready[k].events, now);
    }
}

std::int64_t Worker::next_wake(std::int64_t now) const {
    std::int64_t wake = now + max_wait_ns;
    if (started_ < seen_wanted_ && !draining.load(std::memory_order_relaxed))
        wake = rate_per_ns_ > 0
                   ? std::min(wake, ramp_start_ns_ + static_cast<std::int64_t>(std::ceil(
                                                         static_cast<double>(started_ - ramp_base_) / rate_per_ns_)))
                   : now;
    for (const auto* queue : {&connect_deadlines_, &ping_due_, &pong_deadlines_})
        if (!queue->empty()) wake = std::min(wake, queue->front().at_ns);
    return wake;
}

void Worker::take_commands(std::int64_t now) {
    const std::size_t w = std::min(wanted.load(std::memory_order_relaxed), conns_.size());
    if (w > seen_wanted_) {
        if (started_ >= seen_wanted_) {
            ramp_start_ns_ = now;
            ramp_base_ = started_;
        }
        seen_wanted_ = w;
    }
    // Newest first: the connections a ramp opened last are the ones a stop command takes back.
    std::uint64_t n = close_requested.exchange(0, std::memory_order_relaxed);
    for (std::size_t i = started_; n > 0 && i-- > 0;) {
        const ConnState state = conns_[i].state;
        if (state != ConnState::Open && state != ConnState::Connecting) continue;
        close_by_command(static_cast<std::uint32_t>(i));
        --n;
    }
}

void Worker::close_by_command(std::uint32_t i) {
    PingConnection& c = conns_[i];
    if (c.state == ConnState::Connecting) {
        connect_failed(i, ECANCELED, 0);  // settled, never established: a connect the command gave up
        return;
    }
    c.fd.close_now();
    c.state = ConnState::Closed;
    if (c.pinging) outstanding.fetch_sub(1, std::memory_order_relaxed);
    c.pinging = false;
    ++second.closed_by_command;
    established.fetch_sub(1, std::memory_order_relaxed);
}

// The ramp: by `now` this thread should have started rate × elapsed connections since the ramp began
// (the first at once), up to the connections it is to have.
void Worker::start_next(std::int64_t now) {
    std::size_t target = seen_wanted_;
    if (rate_per_ns_ > 0)
        target = std::min<std::size_t>(
            target, ramp_base_ + static_cast<std::size_t>(static_cast<double>(now - ramp_start_ns_) * rate_per_ns_) + 1);
    for (std::uint64_t k = 0; started_ < target && k < max_starts_per_turn; ++k) {
        const auto i = static_cast<std::uint32_t>(started_++);
        PingConnection& c = conns_[i];
        ++second.connects_attempted;
        c.since_ns = now;
        c.fd = sys::UniqueFd(::socket(options_.target.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!c.fd) {
            connect_failed(i, errno, now);
            continue;
        }
        const int fd = c.fd.get();
        if (!options_.binds.empty()) {
            const Endpoint& source = options_.binds[(first_ + i) % options_.binds.size()];
            // The port is picked at connect(), per destination: a source address then holds a whole
            // ip_local_port_range towards the one server address:port (see tcp_client.cpp).
            int one = 1;
            ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
            if (::bind(fd, source.address(), source.length) != 0) {
                connect_failed(i, errno, now);
                continue;
            }
        }
        if (::connect(fd, options_.target.address(), options_.target.length) != 0 && errno != EINPROGRESS) {
            connect_failed(i, errno, now);
            continue;
        }
        c.state = ConnState::Connecting;
        epoll_.add(fd, EPOLLOUT, i);
        connect_deadlines_.push_back({now + plan_.connect_timeout.count(), i});
    }
}

void Worker::connect_failed(std::uint32_t i, int err, std::int64_t /*now*/) {
    PingConnection& c = conns_[i];
    c.fd.close_now();  // closing removes it from the epoll set too
    c.state = ConnState::Failed;
    ++second.connects_failed;
    ++second.connect_errors[err];
    if (err == ETIMEDOUT) ++second.connect_timeouts;
    settled.fetch_add(1, std::memory_order_relaxed);
}

void Worker::on_ready(std::uint32_t i, std::uint32_t events, std::int64_t now) {
    if (i >= conns_.size()) return;
    switch (conns_[i].state) {
    case ConnState::Connecting: complete_connect(i, now); break;
    case ConnState::Open:
        if (events & (EPOLLIN | EPOLLRDHUP | EPOLLERR | EPOLLHUP)) read_pong(i, now);
        break;
    default: break;
    }
}

void Worker::complete_connect(std::uint32_t i, std::int64_t now) {
    PingConnection& c = conns_[i];
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(c.fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) {
        connect_failed(i, err, now);
        return;
    }
    c.state = ConnState::Open;
    ++second.connects_ok;
    second.connect_ns.record(static_cast<std::uint64_t>(now - c.since_ns));
    established.fetch_add(1, std::memory_order_relaxed);
    settled.fetch_add(1, std::memory_order_relaxed);
    epoll_.modify(c.fd.get(), EPOLLIN | EPOLLRDHUP, i);
    // The first ping one interval after the connection is up: the ramp spreads the pings as evenly.
    ping_due_.push_back({now + plan_.every.count(), i});
}

void Worker::send_ping(std::uint32_t i, std::int64_t now) {
    PingConnection& c = conns_[i];
    c.ping_owed = false;
    ssize_t n = ::send(c.fd.get(), payload_.data(), payload_.size(), MSG_NOSIGNAL);
    if (n != static_cast<ssize_t>(payload_.size())) {
        // A few bytes into an empty send buffer only fail when the connection is gone (EPIPE, ECONNRESET):
        // the read side will see the same; a short send would mean the peer stopped reading for megabytes.
        close_connection(i, n < 0 ? errno : EMSGSIZE);
        return;
    }
    c.pinging = true;
    c.late = false;
    c.pong_bytes = 0;
    c.since_ns = now;
    ++second.pings;
    outstanding.fetch_add(1, std::memory_order_relaxed);
    pong_deadlines_.push_back({now + plan_.timeout.count(), i});
    ping_due_.push_back({now + plan_.every.count(), i});
}

void Worker::read_pong(std::uint32_t i, std::int64_t now) {
    PingConnection& c = conns_[i];
    while (true) {
        ssize_t n = ::recv(c.fd.get(), inbox_.data(), inbox_.size(), 0);
        if (n > 0) {
            if (!c.pinging) continue;  // an echo server sends only pongs; anything else is ignored
            c.pong_bytes = static_cast<std::uint8_t>(std::min<std::uint64_t>(plan_.size, c.pong_bytes + static_cast<std::uint64_t>(n)));
            if (c.pong_bytes < plan_.size) continue;
            c.pinging = false;
            outstanding.fetch_sub(1, std::memory_order_relaxed);
            if (c.late) {
                ++second.late_pongs;
            } else {
                ++second.pongs;
                second.rtt_ns.record(static_cast<std::uint64_t>(now - c.since_ns));
            }
            if (c.ping_owed && !draining.load(std::memory_order_relaxed)) {
                send_ping(i, now);
                if (c.state != ConnState::Open) return;
            }
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        close_connection(i, n == 0 ? 0 : errno);
        return;
    }
}

void Worker::close_connection(std::uint32_t i, int err) {
    PingConnection& c = conns_[i];
    c.fd.close_now();
    c.state = ConnState::Closed;
    if (c.pinging) outstanding.fetch_sub(1, std::memory_order_relaxed);
    c.pinging = false;
    ++second.closed;
    ++second.conn_errors[err];
    established.fetch_sub(1, std::memory_order_relaxed);
}

void Worker::expire(std::int64_t now) {
    while (!connect_deadlines_.empty() && connect_deadlines_.front().at_ns <= now) {
        const Due due = connect_deadlines_.front();
        connect_deadlines_.pop_front();
        if (conns_[due.conn].state == ConnState::Connecting) connect_failed(due.conn, ETIMEDOUT, now);
    }
    while (!pong_deadlines_.empty() && pong_deadlines_.front().at_ns <= now) {
        const Due due = pong_deadlines_.front();
        pong_deadlines_.pop_front();
        PingConnection& c = conns_[due.conn];
        // Only the deadline of the ping that is out now counts: an older one's pong came already.
        if (c.state == ConnState::Open && c.pinging && !c.late && c.since_ns + plan_.timeout.count() == due.at_ns) {
            c.late = true;
            ++second.ping_timeouts;
        }
    }
    while (!ping_due_.empty() && ping_due_.front().at_ns <= now) {
        const Due due = ping_due_.front();
        ping_due_.pop_front();
        PingConnection& c = conns_[due.conn];
        if (c.state != ConnState::Open || draining.load(std::memory_order_relaxed)) continue;
        if (c.pinging)
            c.ping_owed = true;  // one ping at a time: the next goes when this pong arrives
        else
            send_ping(due.conn, now);
    }
}

enum class StopReason { Done, Deadline, Signal };

const char* stop_name(StopReason reason) {
    switch (reason) {
    case StopReason::Done: return "done";
    case StopReason::Deadline: return "deadline";
    case StopReason::Signal: return "signal";
    }
    return "?";
}

class PingClient {
public:
    PingClient(const ClientOptions& options, EventLog& log) : options_(options), plan_(*options.ping), log_(log) {}
    int run();

private:
    PingSecond take_second();
    std::int64_t report(std::int64_t from_ns);
    std::int64_t established() const;
    std::uint64_t sum(std::atomic<std::uint64_t> Worker::*counter) const;
    // Applies one command and logs it; returns whether it started connections (the hold begins again).
    bool apply(const sys::ConnectionRequest& request, bool draining);

    const ClientOptions& options_;
    const PingPlan& plan_;
    EventLog& log_;
    std::vector<std::unique_ptr<Worker>> workers_;
    std::size_t wanted_ = 0;  // connections to have started, over all workers
    PingSecond total_;
    std::int64_t established_max_ = 0;
};

bool PingClient::apply(const sys::ConnectionRequest& request, bool draining) {
    const bool start = request.command == sys::ConnectionCommand::Start;
    const std::size_t requested = static_cast<std::size_t>(std::max(0, request.count));
    std::size_t accepted = 0;
    if (start && !draining) {
        std::size_t room = 0;
        for (const auto& w : workers_) room += w->slots() - w->wanted.load(std::memory_order_relaxed);
        accepted = std::min(requested, room);
        // An even share per loop, as the first connections were; a loop out of slots leaves its share
        // to the next.
        std::size_t left = accepted;
        for (std::size_t pass = 0; pass < 2 && left > 0; ++pass)
            for (std::size_t t = 0; t < workers_.size() && left > 0; ++t) {
                Worker& w = *workers_[t];
                const std::size_t share = pass == 0 ? (left + workers_.size() - t - 1) / (workers_.size() - t) : left;
                const std::size_t give = std::min(share, w.slots() - w.wanted.load(std::memory_order_relaxed));
                w.wanted.fetch_add(give, std::memory_order_relaxed);
                left -= give;
            }
        wanted_ += accepted;
    } else if (!start) {
        // Each loop closes its newest: shares in proportion to what each holds.
        std::size_t left = requested;
        for (auto& w : workers_) {
            const auto open = static_cast<std::size_t>(std::max<std::int64_t>(0, w->established.load(std::memory_order_relaxed)));
            const std::size_t give = std::min(left, open);
            w->close_requested.fetch_add(give, std::memory_order_relaxed);
            left -= give;
        }
        accepted = requested - left;
    }
    Event event;
    event.op = "command";
    event.arg = start ? "start" : "stop";
    event.result = accepted == requested ? Result::Ok : Result::Error;
    event.start_ns = event.end_ns = sys::monotonic_ns();
    event.extra["requested"] = requested;
    event.extra["accepted"] = accepted;
    event.extra["wanted"] = wanted_;
    if (accepted < requested)
        event.extra["why"] = start ? (draining ? "the hold is over" : "--connections-max reached") : "fewer connections open";
    log_.write(event);
    return start && accepted > 0;
}

PingSecond PingClient::take_second() {
    PingSecond merged;
    for (auto& w : workers_) {
        std::lock_guard lock(w->mutex);
        merged.merge(w->second);
        w->second.reset();
    }
    return merged;
}

std::int64_t PingClient::established() const {
    std::int64_t n = 0;
    for (const auto& w : workers_) n += w->established.load(std::memory_order_relaxed);
    return n;
}

std::uint64_t PingClient::sum(std::atomic<std::uint64_t> Worker::*counter) const {
    std::uint64_t n = 0;
    for (const auto& w : workers_) n += ((*w).*counter).load(std::memory_order_relaxed);
    return n;
}

// Returns the interval's end: the moment the counts were taken (a loop holding its lock for long, on a
// starved machine, makes that later than the reporter meant), so each line's counts cover its own times.
std::int64_t PingClient::report(std::int64_t from_ns) {
    PingSecond second = take_second();
    const std::int64_t to_ns = sys::monotonic_ns();
    const std::int64_t open = established();
    established_max_ = std::max(established_max_, open);
    Event event;
    event.op = "second";
    event.start_ns = from_ns;
    event.end_ns = to_ns;
    event.extra["established"] = open;
    event.extra["outstanding"] = sum(&Worker::outstanding);
    second.write_to(event.extra);
    log_.write(event);
    total_.merge(second);
    return to_ns;
}

int PingClient::run() {
    const std::int64_t run_start = sys::monotonic_ns();
    const std::int64_t deadline = run_start + options_.deadline.count();
    const auto wanted_fds = static_cast<std::uint64_t>(options_.connections) + spare_fds;
    FileLimit limit = options_.nofile ? set_file_limit(*options_.nofile) : raise_file_limit(wanted_fds);
    if (limit.error != 0)
        std::fprintf(stderr, "lab-client: setrlimit(RLIMIT_NOFILE, %llu): %s\n",
                     static_cast<unsigned long long>(*options_.nofile), errno_name(limit.error).c_str());
    if (limit.soft < wanted_fds)
        std::fprintf(stderr, "lab-client: RLIMIT_NOFILE is %llu (hard %llu): connections beyond it fail with EMFILE\n",
                     static_cast<unsigned long long>(limit.soft), static_cast<unsigned long long>(limit.hard));

    // Before the threads: they inherit the blocked signals, so only this thread's signalfds see them.
    sys::TerminationSignals signals;
    sys::ConnectionCommands commands;
    sys::Epoll control;
    control.add(signals.fd(), EPOLLIN, 0);
    control.add(commands.fd(), EPOLLIN, 1);

    wanted_ = static_cast<std::size_t>(options_.connections);
    const auto capacity = static_cast<std::size_t>(std::max(plan_.capacity, options_.connections));
    const auto threads = static_cast<std::size_t>(plan_.threads);
    const double rate_per_ns = plan_.ramp ? plan_.ramp->per_second / 1e9 / static_cast<double>(threads) : 0;
    // Each loop's share of the first connections, and of the slots beyond them.
    auto share = [threads](std::size_t n, std::size_t t) { return n * (t + 1) / threads - n * t / threads; };
    for (std::size_t t = 0, first = 0; t < threads; ++t) {
        const std::size_t initial = share(wanted_, t), slots = initial + share(capacity - wanted_, t);
        workers_.push_back(std::make_unique<Worker>(options_, first, slots, initial, rate_per_ns));
        first += slots;
    }
    const std::int64_t start = sys::monotonic_ns();
    std::vector<std::jthread> loops;
    for (auto& w : workers_) loops.emplace_back([&w, start] { w->run(start); });

    StopReason reason = StopReason::Done;
    std::optional<std::int64_t> hold_until, drain_until;
    std::int64_t interval_start = start;
    std::array<epoll_event, 4> ready{};
    while (true) {
        std::int64_t now = sys::monotonic_ns();
        const std::int64_t next_report = interval_start + plan_.report_every.count();
        if (now >= next_report) interval_start = report(interval_start);
        if (!hold_until && sum(&Worker::settled) == wanted_) hold_until = now + options_.hold.count();
        if (hold_until && !drain_until && now >= *hold_until) {
            // Hold is over: no new pings; the last ones get their timeout to come back.
            for (auto& w : workers_) w->draining = true;
            drain_until = now + plan_.timeout.count();
        }
        if (drain_until && (sum(&Worker::outstanding) == 0 || now >= *drain_until)) break;
        if (now >= deadline) {
            reason = StopReason::Deadline;
            break;
        }
        // Waking every 20 ms to look at the counters costs nothing next to a million sockets' traffic.
        std::int64_t wake = std::min({next_report, deadline, now + 20'000'000});
        const int n = control.wait(ready, std::max<std::int64_t>(0, wake - now));
        bool stop_signal = false;
        for (int k = 0; k < n; ++k) {
            if (ready[static_cast<std::size_t>(k)].data.u64 == 0) {
                stop_signal |= signals.take() != 0;
                continue;
            }
            while (auto request = commands.take())
                if (apply(*request, drain_until.has_value())) hold_until.reset();  // held again once they settle
        }
        if (stop_signal) {
            reason = StopReason::Signal;
            break;
        }
    }
    for (auto& w : workers_) w->stop = true;
    loops.clear();  // joins
    const std::int64_t end = report(interval_start);

    Event summary;
    summary.op = "summary";
    summary.result = reason == StopReason::Deadline ? Result::Abandoned : Result::Ok;
    summary.start_ns = run_start;
    summary.end_ns = end;
    summary.extra["stop"] = stop_name(reason);
    summary.extra["connections"] = wanted_;
    summary.extra["connections_max"] = capacity;
    summary.extra["threads"] = threads;
    summary.extra["established_at_exit"] = established();
    summary.extra["established_max"] = established_max_;
    summary.extra["unanswered_at_exit"] = sum(&Worker::outstanding);
    if (plan_.ramp) summary.extra["ramp_per_s"] = plan_.ramp->per_second;
    summary.extra["nofile"] = limit.soft;
    total_.write_to(summary.extra);
    log_.write_summary(std::move(summary));
    workers_.clear();  // closes every socket before the exit code is returned
    return reason == StopReason::Deadline ? exit_deadline : 0;
}

}  // namespace

int run_ping_client(const ClientOptions& options, EventLog& log) {
    PingClient client(options, log);
    return client.run();
}

}  // namespace lab::agent
