#include "lab/cli/interrupt.hpp"

#include <signal.h>

namespace lab::cli {
namespace {

std::atomic<int> g_signal{0};

extern "C" void remember_signal(int sig) { g_signal.store(sig); }

}  // namespace

const std::atomic<int>& install_interrupt_handlers() {
    struct sigaction sa {};
    sa.sa_handler = remember_signal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
    // A reader that went away (lab run | head) must not kill the lab before it has cleaned up.
    signal(SIGPIPE, SIG_IGN);
    return g_signal;
}

}  // namespace lab::cli
