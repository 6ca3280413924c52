#include "lab/agents/server_options.hpp"

#include <CLI/CLI.hpp>

namespace lab::agent {
namespace {

constexpr const char* server_description =
    "lab-server: one TCP listener with a chosen backlog and accept policy, or (--udp) a group of UDP sockets.\n"
    "Writes one JSON event per listen, accept and connection end on stdout (CLOCK_MONOTONIC timestamps);\n"
    "in UDP mode one udp_recv event per socket every --report-every: datagrams read and datagrams the kernel\n"
    "dropped on a full receive queue in the interval (datagrams, drops), and so far (total, total_drops).\n"
    "With --acceptors N and --nofile, an acceptor that hits EMFILE writes an accept event with errno EMFILE\n"
    "and retries 250ms later; the others go on (each meets EMFILE too while the process is at its limit):\n"
    "no connection is closed, the ones not accepted stay in the accept queue.\n"
    "Exit codes: 0 deadline reached or stopped by SIGTERM/SIGINT, 1 listen failed, 2 usage error.";

}  // namespace

std::variant<ServerOptions, sys::CliExit> parse_server_options(int argc, const char* const* argv) {
    CLI::App app{server_description, "lab-server"};
    ServerOptions options;
    std::string listen_text, bind_text, accept_text = "always", mode_text = "echo", deadline_text = "300s";
    std::string spread_text, close_at_text, cost_text = "0s", rcvbuf_text, report_text = "1s", wait_text = "block";
    int port = -1, linger = -1;
    std::uint64_t nofile = 0;

    auto* listen = app.add_option("--listen", listen_text, "ADDR:PORT to listen on, e.g. 0.0.0.0:7000 or [::]:7000");
    auto* port_option = app.add_option("--port", port, "port to listen on (with --bind, default 0.0.0.0)")
                            ->check(CLI::Range(0, 65535));
    auto* bind = app.add_option("--bind", bind_text, "address to listen on, with --port");
    listen->excludes(port_option);
    listen->excludes(bind);
    bind->needs(port_option);
    auto* backlog = app.add_option("--backlog", options.backlog, "backlog passed to listen()")
        ->check(CLI::Range(0, 1 << 30))
        ->capture_default_str();
    app.add_option("--accept", accept_text,
                   "when to accept: never, always, after:DURATION (since listen), rate:N/s, burst:N/DURATION "
                   "(N at the start of every DURATION)")
        ->capture_default_str();
    app.add_option("--mode", mode_text,
                   "per connection: echo (write back), sink (read, discard), hold (never read), reset (close at "
                   "once with SO_LINGER {1,0}: RST), ack (read to EOF, reply the byte count as \"N\\n\", close), http (answer the request with a "
                   "fixed HTTP/1.0 200, close: for ab and other load generators)")
        ->capture_default_str();
    app.add_option("--linger", linger, "SO_LINGER {1, SECONDS} on every accepted connection (close then blocks the loop)")
        ->check(CLI::Range(0, 3600));
    app.add_option("--acceptors", options.acceptors, "N acceptor threads instead of accepting in the main loop")
        ->check(CLI::Range(1, max_acceptors));
    app.add_option("--acceptor-wait", wait_text, "how acceptor threads wait: block (accept()) or epoll (own epoll each)")
        ->capture_default_str();
    app.add_option("--nofile", nofile, "set RLIMIT_NOFILE's soft limit to N (accept then fails with EMFILE)")
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 24));
    app.add_option("--close-listener-at", close_at_text,
                   "close the listening socket this long after listen (queued connections are reset)");
    app.add_flag("--udp", options.udp, "UDP receive mode: bind --sockets sockets and count datagrams");
    app.add_option("--sockets", options.sockets, "UDP: sockets in one SO_REUSEPORT group")
        ->check(CLI::Range(1, max_udp_sockets))
        ->capture_default_str();
    app.add_option("--cost", cost_text, "UDP: time spent per datagram: DURATION or sleep:DURATION (sleeps), busy:DURATION (spins)")
        ->capture_default_str();
    app.add_option("--rcvbuf", rcvbuf_text, "UDP: SO_RCVBUF (e.g. 64KiB; the kernel doubles it)");
    app.add_option("--report-every", report_text, "UDP: interval of the per-socket count events; TCP with --per-second: of the \"second\" lines")->capture_default_str();
    auto* per_second = app.add_flag("--per-second", options.per_second,
                                    "TCP: instead of an accept and a conn_end event per connection, one \"second\" line per "
                                    "--report-every (accepted, established, ended by result and errno, bytes): what a "
                                    "million connections can afford");
    app.add_option("--reuseport-cbpf", spread_text,
                   "attach SO_ATTACH_REUSEPORT_CBPF: random or cpu, modulo --sockets (or random:N/cpu:N for a "
                   "group shared with other processes); implies --reuseport");
    app.add_flag("--reuseaddr", options.reuseaddr, "set SO_REUSEADDR before bind");
    app.add_flag("--reuseport", options.reuseport, "set SO_REUSEPORT before bind");
    app.add_option("--group", options.group, "label copied into every event");
    app.add_option("--deadline", deadline_text, "run at most this long, then write the summary and exit 0")
        ->capture_default_str();
    app.add_flag("--start-on-signal", options.start_on_signal,
                 "TCP: listen, then block SIGUSR1 and wait for it before accepting or timing anything (UDP: before "
                 "binding); lab starts prestarted servers ahead of the clock this way");

    per_second->excludes("--udp");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return sys::cli_exit_from(app, e);
    }

    if (!listen_text.empty()) {
        auto ep = parse_endpoint(listen_text);
        if (failed(ep)) return sys::usage_error("--listen: " + std::get<ParseError>(ep).message);
        options.listen = std::get<Endpoint>(ep);
    } else if (port >= 0) {
        auto ep = parse_address(bind_text.empty() ? "0.0.0.0" : bind_text);
        if (failed(ep)) return sys::usage_error("--bind: " + std::get<ParseError>(ep).message);
        options.listen = std::get<Endpoint>(ep).with_port(static_cast<std::uint16_t>(port));
    } else {
        return sys::usage_error("give --listen ADDR:PORT, or --port PORT (with optional --bind ADDR)");
    }

    auto accept = parse_accept_policy(accept_text);
    if (failed(accept)) return sys::usage_error("--accept: " + std::get<ParseError>(accept).message);
    options.accept = std::get<AcceptPolicy>(accept);

    auto mode = parse_server_mode(mode_text);
    if (failed(mode)) return sys::usage_error("--mode: " + std::get<ParseError>(mode).message);
    options.mode = std::get<ServerMode>(mode);

    if (options.mode == ServerMode::Reset && linger >= 0)
        return sys::usage_error("--linger: --mode reset already closes with SO_LINGER {1,0}");
    if (linger >= 0) options.linger = linger;
    if (nofile > 0) options.nofile = nofile;
    if (wait_text == "block")
        options.acceptor_wait = AcceptorWait::Block;
    else if (wait_text == "epoll")
        options.acceptor_wait = AcceptorWait::Epoll;
    else
        return sys::usage_error("--acceptor-wait: unknown '" + wait_text + "' (expected block or epoll)");
    if (!close_at_text.empty()) {
        auto at = parse_duration(close_at_text);
        if (failed(at)) return sys::usage_error("--close-listener-at: " + std::get<ParseError>(at).message);
        options.close_listener_at = std::get<Duration>(at);
    }
    auto cost = parse_datagram_cost(cost_text);
    if (failed(cost)) return sys::usage_error("--cost: " + std::get<ParseError>(cost).message);
    options.cost = std::get<DatagramCost>(cost);
    if (!rcvbuf_text.empty()) {
        auto size = parse_size(rcvbuf_text);
        if (failed(size)) return sys::usage_error("--rcvbuf: " + std::get<ParseError>(size).message);
        if (std::get<std::uint64_t>(size) == 0 || std::get<std::uint64_t>(size) > (1u << 30))
            return sys::usage_error("--rcvbuf: must be from 1 byte to 1GiB");
        options.rcvbuf = std::get<std::uint64_t>(size);
    }
    auto report = parse_duration(report_text);
    if (failed(report)) return sys::usage_error("--report-every: " + std::get<ParseError>(report).message);
    options.report_every = std::get<Duration>(report);
    if (options.report_every < std::chrono::milliseconds(10)) return sys::usage_error("--report-every: must be at least 10ms");
    if (!spread_text.empty()) {
        auto spread = parse_reuseport_spread(spread_text);
        if (failed(spread)) return sys::usage_error("--reuseport-cbpf: " + std::get<ParseError>(spread).message);
        options.spread = std::get<ReuseportSpread>(spread);
        options.reuseport = true;
    }
    if (options.sockets > 1) options.reuseport = true;  // a group of one port needs it

    // Options that belong to one transport are refused on the other, so a typo'd scenario fails
    // loudly instead of silently running without the option.
    if (options.udp) {
        if (options.acceptors > 0 || options.linger || options.close_listener_at ||
            options.accept.kind != AcceptPolicy::Kind::Always || options.mode != ServerMode::Echo ||
            backlog->count() > 0)
            return sys::usage_error("--udp: --accept, --mode, --backlog, --linger, --acceptors and --close-listener-at are TCP options");
    } else {
        if (options.sockets > 1 || options.cost.length > Duration::zero() || options.rcvbuf)
            return sys::usage_error("--sockets, --cost and --rcvbuf need --udp");
        if (options.spread && options.spread->modulus == 0)
            return sys::usage_error("--reuseport-cbpf: a TCP listener's group spans processes: give its size, e.g. random:4");
    }

    auto deadline = parse_duration(deadline_text);
    if (failed(deadline)) return sys::usage_error("--deadline: " + std::get<ParseError>(deadline).message);
    options.deadline = std::get<Duration>(deadline);
    if (options.deadline <= Duration::zero()) return sys::usage_error("--deadline: must be longer than 0");
    return options;
}

}  // namespace lab::agent
