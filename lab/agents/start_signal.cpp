#include "lab/agents/start_signal.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

#include "sys/unique_fd.hpp"

namespace lab::agent {

void hold_until_start_signal() {
    sigset_t go;
    sigemptyset(&go);
    sigaddset(&go, SIGUSR1);
    ::pthread_sigmask(SIG_BLOCK, &go, nullptr);
    sys::UniqueFd ready(::signalfd(-1, &go, SFD_CLOEXEC));
    signalfd_siginfo info{};
    while (ready && ::read(ready.get(), &info, sizeof info) < 0 && errno == EINTR) {
    }
}

}  // namespace lab::agent
