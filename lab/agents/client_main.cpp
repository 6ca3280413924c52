// lab-client: see client_options.cpp for the command line, tcp_client.cpp and udp_client.cpp for the run.
#include <cstdio>
#include <exception>
#include <thread>

#include <unistd.h>

#include "lab/agents/client_options.hpp"
#include "lab/agents/event_log.hpp"
#include "lab/agents/ping_client.hpp"
#include "lab/agents/start_signal.hpp"
#include "lab/agents/tcp_client.hpp"
#include "lab/agents/udp_client.hpp"

int main(int argc, char** argv) {
    using namespace lab::agent;
    auto parsed = parse_client_options(argc, argv);
    if (auto* exit = std::get_if<lab::sys::CliExit>(&parsed)) return lab::sys::report_cli_exit(*exit);
    const auto& options = std::get<ClientOptions>(parsed);
    // Before any signal handling: a stop during the wait simply ends the process, with nothing to report.
    // Held first, then the delay: a prestarted client's --start-after counts from its step's time, as a
    // started one's counts from its start.
    if (options.start_on_signal) hold_until_start_signal();
    if (options.start_after > lab::Duration::zero()) std::this_thread::sleep_for(options.start_after);
    try {
        EventLog log("client", options.group, STDOUT_FILENO);
        if (options.ping) return run_ping_client(options, log);
        return options.udp ? run_udp_client(options, log) : run_tcp_client(options, log);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lab-client: %s\n", e.what());
        return 1;
    }
}
