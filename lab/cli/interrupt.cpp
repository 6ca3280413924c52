#include "lab/cli/interrupt.hpp"

#include <signal.h>
#include <string.h>

namespace lab::cli {
namespace {

std::atomic<int> g_signal{0};

extern "C" void remember_signal(int sig) { g_signal.store(sig); }

}  // namespace

const std::atomic<int>& remember_interrupts() {
    struct sigaction sa {};
    sa.sa_handler = remember_signal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
    return g_signal;
}

const std::atomic<int>& install_interrupt_handlers() {
    signal(SIGPIPE, SIG_IGN);
    return remember_interrupts();
}

std::string signal_name(int sig) {
    const char* abbrev = sigabbrev_np(sig);
    return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

}  // namespace lab::cli
