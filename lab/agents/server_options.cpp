#include "lab/agents/server_options.hpp"

#include <CLI/CLI.hpp>

namespace lab::agent {
namespace {

constexpr const char* description =
    "lab-server: one TCP listener with a chosen backlog and accept policy.\n"
    "Writes one JSON event per listen, accept and connection end on stdout (CLOCK_MONOTONIC timestamps).\n"
    "Exit codes: 0 deadline reached or stopped by SIGTERM/SIGINT, 1 listen failed, 2 usage error.";

}  // namespace

std::variant<ServerOptions, CliExit> parse_server_options(int argc, const char* const* argv) {
    CLI::App app{description, "lab-server"};
    ServerOptions options;
    std::string listen_text, bind_text, accept_text = "always", mode_text = "echo", deadline_text = "300s";
    int port = -1;

    auto* listen = app.add_option("--listen", listen_text, "ADDR:PORT to listen on, e.g. 0.0.0.0:7000 or [::]:7000");
    auto* port_option = app.add_option("--port", port, "port to listen on (with --bind, default 0.0.0.0)")
                            ->check(CLI::Range(0, 65535));
    auto* bind = app.add_option("--bind", bind_text, "address to listen on, with --port");
    listen->excludes(port_option);
    listen->excludes(bind);
    bind->needs(port_option);
    app.add_option("--backlog", options.backlog, "backlog passed to listen()")
        ->check(CLI::Range(0, 1 << 30))
        ->capture_default_str();
    app.add_option("--accept", accept_text, "when to accept: never, always, after:DURATION (since listen)")
        ->capture_default_str();
    app.add_option("--mode", mode_text, "per connection: echo (write back), sink (read, discard), hold (never read)")
        ->capture_default_str();
    app.add_flag("--reuseaddr", options.reuseaddr, "set SO_REUSEADDR before bind");
    app.add_flag("--reuseport", options.reuseport, "set SO_REUSEPORT before bind");
    app.add_option("--group", options.group, "label copied into every event");
    app.add_option("--deadline", deadline_text, "run at most this long, then write the summary and exit 0")
        ->capture_default_str();

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return cli_exit_from(app, e);
    }

    if (!listen_text.empty()) {
        auto ep = parse_endpoint(listen_text);
        if (failed(ep)) return usage_error("--listen: " + std::get<ParseError>(ep).message);
        options.listen = std::get<Endpoint>(ep);
    } else if (port >= 0) {
        auto ep = parse_address(bind_text.empty() ? "0.0.0.0" : bind_text);
        if (failed(ep)) return usage_error("--bind: " + std::get<ParseError>(ep).message);
        options.listen = std::get<Endpoint>(ep).with_port(static_cast<std::uint16_t>(port));
    } else {
        return usage_error("give --listen ADDR:PORT, or --port PORT (with optional --bind ADDR)");
    }

    auto accept = parse_accept_policy(accept_text);
    if (failed(accept)) return usage_error("--accept: " + std::get<ParseError>(accept).message);
    options.accept = std::get<AcceptPolicy>(accept);

    auto mode = parse_server_mode(mode_text);
    if (failed(mode)) return usage_error("--mode: " + std::get<ParseError>(mode).message);
    options.mode = std::get<ServerMode>(mode);

    auto deadline = parse_duration(deadline_text);
    if (failed(deadline)) return usage_error("--deadline: " + std::get<ParseError>(deadline).message);
    options.deadline = std::get<Duration>(deadline);
    if (options.deadline <= Duration::zero()) return usage_error("--deadline: must be longer than 0");
    return options;
}

}  // namespace lab::agent
