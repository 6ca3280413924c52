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
#include "lab/agents/even_shares.hpp"
#include "lab/agents/file_limit.hpp"
#include "lab/agents/ping_second.hpp"
#include "lab/agents/stop_reason.hpp"
#include "lab/agents/tcp_client.hpp"
#include "sys/connection_commands.hpp"
#include "sys/epoll.hpp"
#include "sys/monotonic_clock.hpp"
#include "sys/termination_signals.hpp"

namespace lab::agent {
namespace {

using json = nlohmann::ordered_json;

// Beyond the connections: stdio, the epolls, the signalfd, some slack.
constexpr std::uint64_t ping_spare_fds = 64;
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
    // A slot a stop command freed takes a new connection: timers queued for the old one carry the old
    // generation and are dropped.
    std::uint16_t generation = 0;
    std::int64_t since_ns = 0;  // connect() or the outstanding ping's send
};
static_assert(sizeof(PingConnection) == 16);

struct Due {
    std::int64_t at_ns;
    std::uint32_t conn;
    std::uint16_t generation;
};

// One thread's share of the connections and its epoll loop. The loop holds `mutex` while it handles
// timers and one batch of readiness, and lets go of it only to wait: the reporter takes it once per
// interval for the counts, and the commands (connection_commands.hpp) to read and change what the loop
// holds.
//
// Slots are handed out in order, so the newest connections are in the highest slots: a stop closes
// from the top, and the slots above the highest live connection are free again for the next start.
class Worker {
public:
    // `slots`: the most connections it may hold at once; `initial`: how many it starts, at the ramp from
    // `start_ns`.
    Worker(const ClientOptions& options, std::size_t first, std::size_t slots, std::size_t initial, double rate_per_ns,
           std::int64_t start_ns)
        : ordered(initial), options_(options), plan_(*options.ping), first_(first), conns_(slots),
          rate_per_ns_(rate_per_ns), unstarted_(initial), ramp_start_ns_(start_ns) {
        payload_.assign(plan_.size, 'p');
    }
    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    void run();

    std::mutex mutex;
    PingSecond second;  // under mutex
    std::atomic<std::int64_t> established{0};
    // Connections it was told to start, in all; of them, those a stop took back before they started;
    // and those whose connect ended, ok or not. Each only grows: ordered - cancelled - settled are the
    // connects still to come.
    std::atomic<std::uint64_t> ordered;
    std::atomic<std::uint64_t> cancelled{0};
    std::atomic<std::uint64_t> settled{0};
    std::atomic<std::uint64_t> outstanding{0};  // pings sent, pong not yet whole
    std::atomic<bool> draining{false};          // no new connects or pings; pongs still counted
    std::atomic<bool> stop{false};

    // The commands, under mutex. free_slots(): what a start may still add; live(): what it holds or is
    // about to (open, connecting, still to start at the ramp), less what it is about to close.
    std::size_t free_slots();
    std::size_t live() const;
    void start_more(std::size_t n);
    // Takes back up to n: those not started yet at once, then the newest open or connecting, which the
    // loop closes itself (a stop of 100 000 must not hold the loop's lock, and its pongs, on the
    // command's thread). Returns how many it took; adds the unstarted ones to *cancelled_now.
    std::size_t take_back(std::size_t n, std::size_t* cancelled_now);

private:
    void free_top();
    void close_newest();
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

    bool current(const Due& d) const { return conns_[d.conn].generation == d.generation; }
    void push(std::deque<Due>& queue, std::int64_t at_ns, std::uint32_t i) {
        queue.push_back({at_ns, i, conns_[i].generation});
    }

    const ClientOptions& options_;
    const PingPlan& plan_;
    std::size_t first_;  // global index of conns_[0], for the round-robin over source addresses
    std::vector<PingConnection> conns_;
    double rate_per_ns_;  // 0: no ramp
    std::size_t unstarted_;   // ordered, not started yet: the ramp's backlog
    std::size_t top_ = 0;     // slots [0, top_) have been used; the next connection takes conns_[top_]
    std::size_t connecting_ = 0;
    std::size_t to_close_ = 0;  // newest open or connecting ones a stop took back, not closed yet
    // The ramp runs from ramp_start_ns_, when nothing was left to start; ramp_started_ have started since.
    // A start command sets restart_ramp_ and the loop restarts the ramp on its own clock.
    std::int64_t ramp_start_ns_;
    std::size_t ramp_started_ = 0;
    bool restart_ramp_ = false;
    sys::Epoll epoll_;
    std::deque<Due> connect_deadlines_, ping_due_, pong_deadlines_;
    std::vector<char> payload_;
    std::array<char, 4096> inbox_{};
};

void Worker::run() {
    std::array<epoll_event, 1024> ready{};
    while (!stop.load(std::memory_order_relaxed)) {
        std::int64_t now = 0, wake = 0;
        {
            std::lock_guard lock(mutex);
            now = sys::monotonic_ns();
            expire(now);
            close_newest();
            if (!draining.load(std::memory_order_relaxed)) start_next(now);
            now = sys::monotonic_ns();
            wake = next_wake(now);
        }
        // A command that comes while the loop waits is seen within max_wait_ns.
        int n = epoll_.wait(ready, std::clamp<std::int64_t>(wake - now, 0, max_wait_ns));
        now = sys::monotonic_ns();
        std::lock_guard lock(mutex);
        for (int k = 0; k < n; ++k) on_ready(static_cast<std::uint32_t>(ready[k].data.u64), ready[k].events, now);
    }
}

std::int64_t Worker::next_wake(std::int64_t now) const {
    std::int64_t wake = now + max_wait_ns;
    if (to_close_ > 0) return now;
    if (unstarted_ > 0 && !draining.load(std::memory_order_relaxed))
        wake = rate_per_ns_ > 0
                   ? std::min(wake, ramp_start_ns_ + static_cast<std::int64_t>(std::ceil(
                                                         static_cast<double>(ramp_started_) / rate_per_ns_)))
                   : now;
    for (const auto* queue : {&connect_deadlines_, &ping_due_, &pong_deadlines_})
        if (!queue->empty()) wake = std::min(wake, queue->front().at_ns);
    return wake;
}

void Worker::free_top() {
    while (top_ > 0 && conns_[top_ - 1].state != ConnState::Open && conns_[top_ - 1].state != ConnState::Connecting)
        --top_;
}

// The ones a stop is about to close count as free: they are the newest, so the highest slots, and the
// loop closes them before it starts anything (close_newest comes before start_next in its turn).
std::size_t Worker::free_slots() {
    free_top();
    return conns_.size() - top_ - unstarted_ + to_close_;
}

std::size_t Worker::live() const {
    const auto open = static_cast<std::size_t>(std::max<std::int64_t>(0, established.load(std::memory_order_relaxed)));
    return open + connecting_ - std::min(to_close_, open + connecting_) + unstarted_;
}

void Worker::start_more(std::size_t n) {
    if (n == 0) return;
    // The ramp begins again, from the loop's next turn; one still going takes these on at its pace.
    if (unstarted_ == 0) restart_ramp_ = true;
    unstarted_ += n;
    ordered.fetch_add(n, std::memory_order_relaxed);
}

std::size_t Worker::take_back(std::size_t n, std::size_t* cancelled_now) {
    const std::size_t unstart = std::min(n, unstarted_);
    unstarted_ -= unstart;
    cancelled.fetch_add(unstart, std::memory_order_relaxed);
    *cancelled_now += unstart;
    const std::size_t open = live() - unstarted_;  // open or connecting, not already being closed
    const std::size_t close = std::min(n - unstart, open);
    to_close_ += close;
    return unstart + close;
}

// A bounded batch per turn, newest first. One of them that ended on its own meanwhile is replaced by the
// next older one: the stop took a count, and what it said is left open stays true.
void Worker::close_newest() {
    constexpr std::size_t max_slots_per_turn = 4096;
    std::size_t i = top_;
    for (std::size_t budget = max_slots_per_turn; to_close_ > 0 && budget > 0 && i > 0; --budget) {
        const ConnState state = conns_[--i].state;
        if (state != ConnState::Open && state != ConnState::Connecting) continue;
        close_by_command(static_cast<std::uint32_t>(i));
        --to_close_;
    }
    if (i == 0) to_close_ = 0;  // every slot seen: the rest ended on their own meanwhile
    free_top();
}

void Worker::close_by_command(std::uint32_t i) {
    PingConnection& c = conns_[i];
    if (c.state == ConnState::Connecting) {  // settled, never established: a connect the command gave up
        c.fd.close_now();
        c.state = ConnState::Closed;
        --connecting_;
        ++second.connects_cancelled;
        settled.fetch_add(1, std::memory_order_relaxed);
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
    if (restart_ramp_) {
        restart_ramp_ = false;
        ramp_start_ns_ = now;
        ramp_started_ = 0;
    }
    std::size_t can = unstarted_;
    if (rate_per_ns_ > 0) {
        const auto elapsed = static_cast<double>(std::max<std::int64_t>(0, now - ramp_start_ns_));
        const auto due = static_cast<std::size_t>(elapsed * rate_per_ns_) + 1;
        can = std::min(can, due > ramp_started_ ? due - ramp_started_ : 0);
    }
    // A start is only taken when its slots are free, so top_ stays below conns_.size() while can > 0.
    for (std::uint64_t k = 0; k < can && k < max_starts_per_turn && top_ < conns_.size(); ++k) {
        const auto i = static_cast<std::uint32_t>(top_++);
        --unstarted_;
        ++ramp_started_;
        PingConnection& c = conns_[i];
        const auto generation = static_cast<std::uint16_t>(c.generation + 1);
        c = PingConnection();
        c.generation = generation;
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
        ++connecting_;
        epoll_.add(fd, EPOLLOUT, i);
        push(connect_deadlines_, now + plan_.connect_timeout.count(), i);
    }
}

void Worker::connect_failed(std::uint32_t i, int err, std::int64_t /*now*/) {
    PingConnection& c = conns_[i];
    c.fd.close_now();  // closing removes it from the epoll set too
    if (c.state == ConnState::Connecting) --connecting_;
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
    --connecting_;
    ++second.connects_ok;
    second.connect_ns.record(static_cast<std::uint64_t>(now - c.since_ns));
    established.fetch_add(1, std::memory_order_relaxed);
    settled.fetch_add(1, std::memory_order_relaxed);
    epoll_.modify(c.fd.get(), EPOLLIN | EPOLLRDHUP, i);
    // The first ping one interval after the connection is up: the ramp spreads the pings as evenly.
    push(ping_due_, now + plan_.every.count(), i);
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
    push(pong_deadlines_, now + plan_.timeout.count(), i);
    push(ping_due_, now + plan_.every.count(), i);
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
        if (current(due) && conns_[due.conn].state == ConnState::Connecting) connect_failed(due.conn, ETIMEDOUT, now);
    }
    while (!pong_deadlines_.empty() && pong_deadlines_.front().at_ns <= now) {
        const Due due = pong_deadlines_.front();
        pong_deadlines_.pop_front();
        PingConnection& c = conns_[due.conn];
        // Only the deadline of the ping that is out now counts: an older one's pong came already.
        if (current(due) && c.state == ConnState::Open && c.pinging && !c.late &&
            c.since_ns + plan_.timeout.count() == due.at_ns) {
            c.late = true;
            ++second.ping_timeouts;
        }
    }
    while (!ping_due_.empty() && ping_due_.front().at_ns <= now) {
        const Due due = ping_due_.front();
        ping_due_.pop_front();
        PingConnection& c = conns_[due.conn];
        if (!current(due) || c.state != ConnState::Open || draining.load(std::memory_order_relaxed)) continue;
        if (c.pinging)
            c.ping_owed = true;  // one ping at a time: the next goes when this pong arrives
        else
            send_ping(due.conn, now);
    }
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
    std::uint64_t connects_to_come() const;
    // What the loops hold, or may still add, each read under its lock.
    std::vector<std::size_t> per_loop(std::size_t (*count)(Worker&));
    // Applies one command and logs it; returns whether it started connections (the hold begins again).
    bool apply(const sys::ConnectionRequest& request, bool draining);

    const ClientOptions& options_;
    const PingPlan& plan_;
    EventLog& log_;
    std::vector<std::unique_ptr<Worker>> workers_;
    PingSecond total_;
    std::int64_t established_max_ = 0;
};

std::vector<std::size_t> PingClient::per_loop(std::size_t (*count)(Worker&)) {
    std::vector<std::size_t> counts;
    for (auto& w : workers_) {
        std::lock_guard lock(w->mutex);
        counts.push_back(count(*w));
    }
    return counts;
}

bool PingClient::apply(const sys::ConnectionRequest& request, bool draining) {
    const bool start = request.command == sys::ConnectionCommand::Start;
    const std::size_t requested = static_cast<std::size_t>(std::max(0, request.count));
    std::size_t accepted = 0, cancelled = 0;
    // Even shares, as the first connections were split: the loops ramp side by side, so each one's
    // newest are about as new as the others'. What the loops hold between the count and the command
    // only moves one way (slots free up; connections close), so a share never overdraws a loop.
    if (start && !draining) {
        const auto shares = even_shares(per_loop([](Worker& w) { return w.free_slots(); }), requested);
        for (std::size_t t = 0; t < workers_.size(); ++t) {
            std::lock_guard lock(workers_[t]->mutex);
            workers_[t]->start_more(shares[t]);
            accepted += shares[t];
        }
    } else if (!start) {
        // A loop whose connections ended between the count and the command takes less than its share:
        // the others are asked for the rest, while any of them still gives.
        for (std::size_t round = 0; round < workers_.size() && accepted < requested; ++round) {
            const auto shares = even_shares(per_loop([](Worker& w) { return w.live(); }), requested - accepted);
            std::size_t taken = 0;
            for (std::size_t t = 0; t < workers_.size(); ++t) {
                std::lock_guard lock(workers_[t]->mutex);
                taken += workers_[t]->take_back(shares[t], &cancelled);
            }
            accepted += taken;
            if (taken == 0) break;
        }
    }
    std::size_t live = 0;
    for (std::size_t n : per_loop([](Worker& w) { return w.live(); })) live += n;
    Event event;
    event.op = "command";
    event.arg = start ? "start" : "stop";
    event.result = accepted == requested ? Result::Ok : Result::Error;
    event.start_ns = event.end_ns = sys::monotonic_ns();
    event.extra["requested"] = requested;
    event.extra["accepted"] = accepted;
    if (!start) event.extra["not_started"] = cancelled;
    event.extra["live"] = live;
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

// Only this thread orders or cancels, and settled never passes ordered - cancelled, so the difference is
// exact whenever this thread reads it.
std::uint64_t PingClient::connects_to_come() const {
    return sum(&Worker::ordered) - sum(&Worker::cancelled) - sum(&Worker::settled);
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
    const auto wanted_fds = static_cast<std::uint64_t>(options_.connections) + ping_spare_fds;
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

    const auto initial = static_cast<std::size_t>(options_.connections);
    const auto capacity = static_cast<std::size_t>(std::max(plan_.capacity, options_.connections));
    const auto threads = static_cast<std::size_t>(plan_.threads);
    const double rate_per_ns = plan_.ramp ? plan_.ramp->per_second / 1e9 / static_cast<double>(threads) : 0;
    // Each loop's share of the first connections, and of the slots beyond them.
    const std::vector<std::size_t> unlimited(threads, capacity);
    const auto initial_shares = even_shares(unlimited, initial), extra_shares = even_shares(unlimited, capacity - initial);
    const std::int64_t start = sys::monotonic_ns();
    for (std::size_t t = 0, first = 0; t < threads; ++t) {
        const std::size_t slots = initial_shares[t] + extra_shares[t];
        workers_.push_back(std::make_unique<Worker>(options_, first, slots, initial_shares[t], rate_per_ns, start));
        first += slots;
    }
    std::vector<std::jthread> loops;
    for (auto& w : workers_) loops.emplace_back([&w] { w->run(); });

    StopReason reason = StopReason::Done;
    std::optional<std::int64_t> hold_until, drain_until;
    std::int64_t interval_start = start;
    std::array<epoll_event, 4> ready{};
    while (true) {
        std::int64_t now = sys::monotonic_ns();
        const std::int64_t next_report = interval_start + plan_.report_every.count();
        if (now >= next_report) interval_start = report(interval_start);
        if (!hold_until && connects_to_come() == 0) hold_until = now + options_.hold.count();
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
    summary.extra["connections"] = sum(&Worker::ordered) - sum(&Worker::cancelled);  // connects tried in all
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
