#include "lab/agents/client_options.hpp"

#include <CLI/CLI.hpp>

#include "lab/agents/source_addresses.hpp"

namespace lab::agent {
namespace {

constexpr const char* client_description =
    "lab-client: opens N TCP connections to one target; each runs the same op sequence.\n"
    "With --udp: sends --count datagrams of --size bytes at --rate over N UDP flows instead.\n"
    "Writes one JSON event per op on stdout (CLOCK_MONOTONIC timestamps).\n"
    "Ops (separated by ';'):\n"
    "  connect[:TIMEOUT]     non-blocking connect; without TIMEOUT the kernel's SYN retries decide\n"
    "  send:SIZE[:TIMEOUT]   send SIZE bytes (100, 4KiB, 1MiB), waiting for room in the send buffer\n"
    "  recv[:TIMEOUT]        wait up to TIMEOUT (default 10s) for data, read what is there\n"
    "  sleep:DURATION        wait\n"
    "  shutdown              shutdown(SHUT_WR): send FIN, keep reading possible\n"
    "  close                 close()\n"
    "  linger0               SO_LINGER {1,0} then close(): send RST\n"
    "  linger:SECONDS        SO_LINGER {1,N} then close(): blocks the client until the FIN is acked,\n"
    "                        a reset arrives or N s pass; close() returns 0 in every case\n"
    "  keepalive:IDLE/INTVL/CNT  SO_KEEPALIVE + TCP_KEEPIDLE/INTVL/CNT (whole seconds); before connect: applied at connect\n"
    "  user_timeout:DURATION TCP_USER_TIMEOUT (ms precision); before connect: applied at connect\n"
    "  outq                  SIOCOUTQ into \"outq\", TCP_INFO (state, retransmits, unacked, rto_us, rtt_us, ...) into \"tcp_info\"\n"
    "  wait_error[:TIMEOUT]  wait (default 30s) until the socket reports an error: result error + its errno\n"
    "                        (ETIMEDOUT from keepalive/user timeout, ECONNRESET), eof on HUP without error\n"
    "  appack[:TIMEOUT]      shutdown(SHUT_WR), read the peer's decimal byte count (lab-server --mode ack),\n"
    "                        ok if it equals the bytes sent on this connection, error EPROTO if not\n"
    "A connection whose connect/send/recv does not end ok runs no further ops but keeps its socket\n"
    "open until exit, so its kernel state stays observable.\n"
    "With --ping EVERY (connscale's load, for 100k-1M connections): no --ops; connections start at --ramp,\n"
    "each pings (--ping-size bytes) every EVERY and counts a timeout when the pong takes longer than\n"
    "--ping-timeout; after all have connected (or failed) the agent keeps pinging for --hold, waits for the\n"
    "last pongs and exits. Run-time commands (lab ctl RUN start|stop NAME N, or a `connections` step) start\n"
    "N more connections, up to --connections-max open at once, or take back the N newest (those not started\n"
    "yet first; their slots are free again); a start during the hold\n"
    "begins it again once the new ones have connected. Writes one \"second\" line per --report-every (connects attempted/ok/failed by\n"
    "errno, pings, pongs, timeouts, established, connect and ping latency p50/p99/max) and a summary.\n"
    "Exit codes: 0 done (or stopped by SIGTERM/SIGINT), 2 usage error, 3 deadline hit with ops unfinished.";

// Durations arrive as text and go through lab::parse_duration, so the agents accept exactly the
// spellings scenario files do.
bool take_duration(const std::string& option, const std::string& text, Duration& out, std::string& error) {
    auto parsed = parse_duration(text);
    if (failed(parsed)) {
        error = option + ": " + std::get<ParseError>(parsed).message;
        return false;
    }
    out = std::get<Duration>(parsed);
    return true;
}

}  // namespace

std::variant<ClientOptions, sys::CliExit> parse_client_options(int argc, const char* const* argv) {
    CLI::App app{client_description, "lab-client"};
    ClientOptions options;
    std::string target_text, bind_text, stagger_text = "0s", deadline_text = "60s", hold_text = "0s",
                start_after_text = "0s", wave_gap_text = "0s";
    std::string rate_text, size_text = "64";
    std::uint64_t nofile = 0;
    std::string ping_text, ping_timeout_text = "5s", connect_timeout_text = "10s", ramp_text, report_text = "1s";
    PingPlan plan;

    app.add_option("--target", target_text, "ADDR:PORT to connect to, e.g. 198.18.0.1:7000 or [::1]:7000")
        ->required();
    auto* connections = app.add_option("--connections", options.connections, "number of connections")
                            ->check(CLI::Range(1, max_ping_connections))
                            ->capture_default_str();
    auto* ops_option = app.add_option("--ops", options.ops_text,
                                      "op sequence every connection runs, e.g. \"connect:3s;send:100;recv:2s;close\"");
    app.add_option("--group", options.group, "label copied into every event");
    auto* bind = app.add_option("--bind", bind_text,
                                "source address(es), taken round-robin (port chosen by the kernel): ADDR, ADDR,ADDR or "
                                "an IPv4 range 198.18.0.2-198.18.0.5");
    auto* port_at_bind = app.add_flag("--port-at-bind", options.port_at_bind,
                                      "TCP, with --bind: bind() picks the source port, before connect() knows the "
                                      "destination (no IP_BIND_ADDRESS_NO_PORT), as Erlang's gen_tcp and code from "
                                      "before Linux 4.2 do: an exhausted port range then fails bind() with "
                                      "EADDRINUSE instead of connect() with EADDRNOTAVAIL");
    port_at_bind->needs(bind);
    app.add_option("--nofile", nofile, "set RLIMIT_NOFILE's soft limit to N (socket() then fails with EMFILE)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 24));
    auto* udp = app.add_flag("--udp", options.udp, "send UDP datagrams instead of running TCP ops");
    auto* rate = app.add_option("--rate", rate_text, "UDP: datagrams per unit of time, e.g. 2000/s (default: no pacing)");
    auto* count = app.add_option("--count", options.count, "UDP: datagrams to send in all")
                      ->check(CLI::Range(std::uint64_t{1}, max_udp_count))
                      ->capture_default_str();
    auto* size = app.add_option("--size", size_text, "UDP: payload bytes per datagram")->capture_default_str();
    ops_option->excludes(udp);
    port_at_bind->excludes(udp);
    rate->needs(udp);
    count->needs(udp);
    size->needs(udp);
    app.add_option("--stagger", stagger_text, "gap between starting successive connections (of a wave, with --waves; 0s: all at once)")
        ->capture_default_str();
    auto* waves = app.add_option("--waves", options.waves,
                                 "TCP: start the connections in waves of these sizes, e.g. 5,15; each wave starts "
                                 "--wave-gap after every connect() of the one before has ended (ok or not), so a "
                                 "slow machine cannot blur one wave into the next")
                      ->delimiter(',')
                      ->check(CLI::Range(1, max_client_connections));
    auto* wave_gap = app.add_option("--wave-gap", wave_gap_text, "TCP: pause between one wave's last connect() and the next wave")
                         ->capture_default_str();
    waves->excludes(udp);
    wave_gap->needs(waves);
    app.add_option("--deadline", deadline_text, "hard bound on the whole run; unfinished ops are abandoned")
        ->capture_default_str();
    app.add_option("--hold", hold_text, "after every sequence ended, keep the sockets this long before exiting")
        ->capture_default_str();
    app.add_option("--start-after", start_after_text,
                   "wait this long before opening any socket: time for a server started with it to be bound, "
                   "however late a loaded machine starts both")
        ->capture_default_str();
    app.add_flag("--start-on-signal", options.start_on_signal,
                 "block SIGUSR1, then wait for it before opening any socket: lab starts prestarted copies ahead of "
                 "time and lets them all go at once with it");

    auto* ping = app.add_option("--ping", ping_text,
                                "ping mode: every connection sends a ping this often and expects it echoed (e.g. 10s)");
    auto* ping_timeout = app.add_option("--ping-timeout", ping_timeout_text, "ping mode: a pong later than this is a timeout")
                             ->capture_default_str();
    auto* ping_size = app.add_option("--ping-size", plan.size, "ping mode: bytes per ping")
                          ->check(CLI::Range(std::uint64_t{1}, max_ping_size))
                          ->capture_default_str();
    auto* connect_timeout = app.add_option("--connect-timeout", connect_timeout_text,
                                           "ping mode: a connect() not done by then counts as timed out")
                                ->capture_default_str();
    auto* ramp = app.add_option("--ramp", ramp_text, "ping mode: connections started per unit of time, e.g. 50000/s (default: at once)");
    auto* threads = app.add_option("--threads", plan.threads, "ping mode: epoll loops (threads), each with its share of the connections")
                        ->check(CLI::Range(1, max_ping_threads))
                        ->capture_default_str();
    auto* report = app.add_option("--report-every", report_text, "ping mode: interval of the \"second\" lines")
                       ->capture_default_str();
    auto* capacity = app.add_option("--connections-max", plan.capacity,
                                    "ping mode: connections that may be open at once, --connections at first and "
                                    "more on start commands (default: --connections)")
                         ->check(CLI::Range(1, max_ping_connections));
    for (auto* option : {ping_timeout, ping_size, connect_timeout, ramp, threads, report, capacity}) option->needs(ping);
    ping->excludes(ops_option)->excludes(udp)->excludes(waves);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return sys::cli_exit_from(app, e);
    }

    auto target = parse_endpoint(target_text);
    if (failed(target)) return sys::usage_error("--target: " + std::get<ParseError>(target).message);
    options.target = std::get<Endpoint>(target);
    if (options.target.port() == 0) return sys::usage_error("--target: '" + target_text + "' needs a port other than 0");

    if (!ping_text.empty()) {
        std::string error;
        if (!take_duration("--ping", ping_text, plan.every, error) ||
            !take_duration("--ping-timeout", ping_timeout_text, plan.timeout, error) ||
            !take_duration("--connect-timeout", connect_timeout_text, plan.connect_timeout, error) ||
            !take_duration("--report-every", report_text, plan.report_every, error))
            return sys::usage_error(error);
        if (plan.every <= Duration::zero() || plan.timeout <= Duration::zero() || plan.connect_timeout <= Duration::zero())
            return sys::usage_error("--ping, --ping-timeout, --connect-timeout: must be longer than 0");
        if (plan.report_every < std::chrono::milliseconds(10)) return sys::usage_error("--report-every: must be at least 10ms");
        if (!ramp_text.empty()) {
            auto parsed = parse_rate(ramp_text);
            if (failed(parsed)) return sys::usage_error("--ramp: " + std::get<ParseError>(parsed).message);
            plan.ramp = std::get<Rate>(parsed);
        }
        if (plan.threads > options.connections)
            return sys::usage_error("--threads: " + std::to_string(plan.threads) + " loops for " +
                                    std::to_string(options.connections) + " connections");
        if (plan.capacity == 0) plan.capacity = options.connections;
        if (plan.capacity < options.connections)
            return sys::usage_error("--connections-max: " + std::to_string(plan.capacity) + " is fewer than --connections " +
                                    std::to_string(options.connections));
        options.ping = plan;
    } else if (connections->count() > 0 && options.connections > max_client_connections) {
        return sys::usage_error("--connections: " + std::to_string(options.connections) + " is more than " +
                                std::to_string(max_client_connections) + " (only --ping goes further)");
    }

    if (!options.udp && !options.ping) {
        if (options.ops_text.empty()) return sys::usage_error("--ops is required (unless --udp)");
        auto ops = parse_op_sequence(options.ops_text);
        if (failed(ops)) return sys::usage_error("--ops: " + std::get<ParseError>(ops).message);
        options.ops = std::get<std::vector<Op>>(std::move(ops));
    } else {
        if (!rate_text.empty()) {
            auto parsed = parse_rate(rate_text);
            if (failed(parsed)) return sys::usage_error("--rate: " + std::get<ParseError>(parsed).message);
            options.rate = std::get<Rate>(parsed);
        }
        auto parsed = parse_size(size_text);
        if (failed(parsed)) return sys::usage_error("--size: " + std::get<ParseError>(parsed).message);
        options.size = std::get<std::uint64_t>(parsed);
        if (options.size > max_udp_size)
            return sys::usage_error("--size: " + size_text + " is more than a UDP datagram holds (" +
                               std::to_string(max_udp_size) + " bytes)");
    }
    if (nofile > 0) options.nofile = nofile;

    if (!bind_text.empty()) {
        auto binds = parse_source_addresses(bind_text);
        if (failed(binds)) return sys::usage_error("--bind: " + std::get<ParseError>(binds).message);
        options.binds = std::get<std::vector<Endpoint>>(std::move(binds));
        if (options.binds.front().family() != options.target.family())
            return sys::usage_error("--bind: '" + bind_text + "' is not of the same address family as --target '" +
                               target_text + "'");
    }

    std::string error;
    if (!take_duration("--stagger", stagger_text, options.stagger, error) ||
        !take_duration("--deadline", deadline_text, options.deadline, error) ||
        !take_duration("--hold", hold_text, options.hold, error) ||
        !take_duration("--start-after", start_after_text, options.start_after, error) ||
        !take_duration("--wave-gap", wave_gap_text, options.wave_gap, error))
        return sys::usage_error(error);
    if (!options.waves.empty()) {
        long long total = 0;
        for (int size : options.waves) total += size;
        if (total > max_client_connections)
            return sys::usage_error("--waves: " + std::to_string(total) + " connections in all, more than " +
                               std::to_string(max_client_connections));
        if (connections->count() > 0 && total != options.connections)
            return sys::usage_error("--waves: the waves add up to " + std::to_string(total) + " connections, --connections says " +
                               std::to_string(options.connections));
        options.connections = static_cast<int>(total);
    }
    if (options.deadline <= Duration::zero()) return sys::usage_error("--deadline: must be longer than 0");
    return options;
}

}  // namespace lab::agent
