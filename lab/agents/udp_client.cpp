#include "lab/agents/udp_client.hpp"

#include <cerrno>
#include <cstring>
#include <map>
#include <vector>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include "common/errno_name.hpp"
#include "lab/agents/file_limit.hpp"
#include "sys/monotonic_clock.hpp"
#include "lab/agents/tcp_client.hpp"
#include "sys/termination_signals.hpp"
#include "sys/unique_fd.hpp"

namespace lab::agent {
namespace {

using json = nlohmann::ordered_json;

constexpr std::int64_t report_interval_ns = 1'000'000'000;

// Counts of one reporting interval or of the whole run.
struct Tally {
    std::uint64_t sent = 0;
    std::uint64_t bytes = 0;
    std::uint64_t errors = 0;
    std::map<std::string, std::uint64_t> errnos;

    void add_error(int err) {
        ++errors;
        ++errnos[errno_name(err)];
    }
    void add_to(Event& event) const {
        event.bytes = bytes;
        event.result = errors > 0 ? Result::Error : Result::Ok;
        event.extra["sent"] = sent;
        event.extra["errors"] = errors;
        event.extra["errnos"] = errnos;
    }
};

// Waits until due_ns or a stop signal; true when a stop signal came.
bool sleep_until(std::int64_t due_ns, sys::TerminationSignals& signals) {
    std::int64_t left = due_ns - sys::monotonic_ns();
    if (left <= 0) return false;
    pollfd signal{signals.fd(), POLLIN, 0};
    timespec ts{static_cast<time_t>(left / 1'000'000'000), static_cast<long>(left % 1'000'000'000)};
    return ::ppoll(&signal, 1, &ts, nullptr) > 0 && signals.take() != 0;
}

}  // namespace

int run_udp_client(const ClientOptions& options, EventLog& log) {
    const std::int64_t run_start = sys::monotonic_ns();
    const std::int64_t deadline = run_start + options.deadline.count();
    if (options.nofile) set_file_limit(*options.nofile);
    sys::TerminationSignals signals;

    // One connect()ed socket per flow: the 4-tuple is fixed, which is what makes a reuseport
    // group hash every datagram of a flow to the same socket.
    std::vector<sys::UniqueFd> flows;
    for (int i = 0; i < options.connections; ++i) {
        Event event;
        event.conn = i;
        event.op = "connect";
        event.arg = options.target.text();
        event.start_ns = sys::monotonic_ns();
        auto fail = [&](const char* step) {
            event.fail_at(step, errno);
            log.write(event);
        };
        sys::UniqueFd fd(::socket(options.target.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!fd) {
            fail("socket");
            continue;
        }
        if (!options.binds.empty()) {
            const Endpoint& source = options.binds[static_cast<std::size_t>(i) % options.binds.size()];
            if (::bind(fd.get(), source.address(), source.length) != 0) {
                fail("bind");
                continue;
            }
        }
        if (::connect(fd.get(), options.target.address(), options.target.length) != 0) {
            fail("connect");
            continue;
        }
        event.end_ns = sys::monotonic_ns();
        auto local = local_name(fd.get());
        event.extra["local"] = local ? json(*local) : json(nullptr);
        event.extra["peer"] = options.target.text();
        log.write(event);
        flows.push_back(std::move(fd));
    }

    std::vector<char> payload(options.size);
    for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<char>('a' + i % 26);
    const std::int64_t interval = options.rate ? options.rate->interval().count() : 0;
    const std::int64_t send_start = sys::monotonic_ns();
    Tally total, window;
    std::int64_t window_start = send_start;
    std::uint64_t second = 0;
    std::string stop = "done";
    auto report = [&](std::int64_t now) {
        Event event;
        event.op = "udp_send";
        event.arg = std::to_string(second++);
        event.start_ns = window_start;
        event.end_ns = now;
        window.add_to(event);
        log.write(event);
        window = Tally{};
        window_start = now;
    };

    std::uint64_t k = 0;
    for (; k < options.count && !flows.empty(); ++k) {
        // Paced against the start, not the previous send: a late wake-up is caught up on, so the
        // rate holds on average however coarse the sleeps are.
        std::int64_t due = send_start + static_cast<std::int64_t>(k) * interval;
        if (due >= deadline) {
            stop = "deadline";
            break;
        }
        if (sleep_until(due, signals)) {
            stop = "signal";
            break;
        }
        std::int64_t now = sys::monotonic_ns();
        if (now >= deadline) {
            stop = "deadline";
            break;
        }
        if (now - window_start >= report_interval_ns) report(now);
        // The datagram's number in its first bytes lets a capture tell loss from reordering.
        std::uint64_t sequence = k;
        std::memcpy(payload.data(), &sequence, std::min(payload.size(), sizeof sequence));
        const sys::UniqueFd& fd = flows[k % flows.size()];
        ssize_t n = ::send(fd.get(), payload.data(), payload.size(), 0);
        if (n < 0 && errno == EINTR) n = ::send(fd.get(), payload.data(), payload.size(), 0);
        for (Tally* t : {&total, &window}) {
            if (n >= 0) {
                ++t->sent;
                t->bytes += static_cast<std::uint64_t>(n);
            } else {
                t->add_error(errno);
            }
        }
    }
    report(sys::monotonic_ns());

    Event summary;
    summary.op = "summary";
    summary.start_ns = run_start;
    summary.end_ns = sys::monotonic_ns();
    total.add_to(summary);
    if (stop == "deadline") summary.result = Result::Abandoned;
    summary.extra["stop"] = stop;
    summary.extra["flows"] = flows.size();
    summary.extra["count"] = options.count;
    double seconds = static_cast<double>(summary.end_ns - send_start) / 1e9;
    summary.extra["rate_achieved"] = seconds > 0 ? static_cast<double>(total.sent + total.errors) / seconds : 0.0;
    log.write_summary(std::move(summary));
    return stop == "deadline" ? exit_deadline : 0;
}

}  // namespace lab::agent
