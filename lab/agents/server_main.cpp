// lab-server: see server_options.cpp for the command line, tcp_server.cpp and udp_server.cpp for the run.
#include <cstdio>
#include <exception>

#include <unistd.h>

#include "lab/agents/event_log.hpp"
#include "lab/agents/server_options.hpp"
#include "lab/agents/start_signal.hpp"
#include "lab/agents/tcp_server.hpp"
#include "lab/agents/udp_server.hpp"

int main(int argc, char** argv) {
    using namespace lab::agent;
    auto parsed = parse_server_options(argc, argv);
    if (auto* exit = std::get_if<lab::sys::CliExit>(&parsed)) return lab::sys::report_cli_exit(*exit);
    const auto& options = std::get<ServerOptions>(parsed);
    try {
        EventLog log("server", options.group, STDOUT_FILENO);
        if (options.udp && options.start_on_signal) hold_until_start_signal();  // TCP holds once it listens
        return options.udp ? run_udp_server(options, log) : run_tcp_server(options, log);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lab-server: %s\n", e.what());
        return 1;
    }
}
