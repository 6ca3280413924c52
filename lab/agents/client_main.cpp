// lab-client: see client_options.cpp for the command line, tcp_client.cpp and udp_client.cpp for the run.
#include <cerrno>
#include <cstdio>
#include <exception>
#include <thread>

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lab/agents/client_options.hpp"
#include "lab/agents/event_log.hpp"
#include "lab/agents/tcp_client.hpp"
#include "lab/agents/udp_client.hpp"
#include "sys/unique_fd.hpp"

int main(int argc, char** argv) {
    using namespace lab::agent;
    auto parsed = parse_client_options(argc, argv);
    if (auto* exit = std::get_if<lab::sys::CliExit>(&parsed)) return lab::sys::report_cli_exit(*exit);
    const auto& options = std::get<ClientOptions>(parsed);
    // Before any signal handling: a stop during the wait simply ends the process, with nothing to report.
    if (options.start_after > lab::Duration::zero()) std::this_thread::sleep_for(options.start_after);
    if (options.start_on_signal) {
        // Held: lab takes SIGUSR1 in our blocked mask as "ready", and sends it when the step is due. Read
        // from a signalfd, not sigwait(): the kernel unblocks what sigwait() waits for while it waits, and
        // lab would never see us ready.
        sigset_t go;
        sigemptyset(&go);
        sigaddset(&go, SIGUSR1);
        ::sigprocmask(SIG_BLOCK, &go, nullptr);
        lab::sys::UniqueFd ready(::signalfd(-1, &go, SFD_CLOEXEC));
        signalfd_siginfo info{};
        while (ready && ::read(ready.get(), &info, sizeof info) < 0 && errno == EINTR) {
        }
    }
    try {
        EventLog log("client", options.group, STDOUT_FILENO);
        return options.udp ? run_udp_client(options, log) : run_tcp_client(options, log);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "lab-client: %s\n", e.what());
        return 1;
    }
}
