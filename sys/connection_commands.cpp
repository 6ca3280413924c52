#include "sys/connection_commands.hpp"

#include <cerrno>
#include <csignal>
#include <system_error>

#include <sys/signalfd.h>
#include <unistd.h>

namespace lab::sys {
namespace {

sigset_t command_set() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, connection_command_signal(ConnectionCommand::Start));
    sigaddset(&set, connection_command_signal(ConnectionCommand::Stop));
    return set;
}

}  // namespace

int connection_command_signal(ConnectionCommand command) {
    return command == ConnectionCommand::Start ? SIGRTMIN + 1 : SIGRTMIN + 2;
}

int send_connection_command(pid_t pid, const ConnectionRequest& request) {
    sigval value{};
    value.sival_int = request.count;
    return ::sigqueue(pid, connection_command_signal(request.command), value) == 0 ? 0 : errno;
}

ConnectionCommands::ConnectionCommands() {
    sigset_t set = command_set();
    if (sigprocmask(SIG_BLOCK, &set, nullptr) != 0) throw std::system_error(errno, std::generic_category(), "sigprocmask");
    fd_ = UniqueFd(signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
    if (!fd_) throw std::system_error(errno, std::generic_category(), "signalfd");
}

std::optional<ConnectionRequest> ConnectionCommands::take() {
    while (true) {
        signalfd_siginfo info{};
        const ssize_t n = ::read(fd_.get(), &info, sizeof info);
        if (n != static_cast<ssize_t>(sizeof info)) return std::nullopt;
        if (info.ssi_code != SI_QUEUE) continue;
        ConnectionRequest r;
        r.command = static_cast<int>(info.ssi_signo) == connection_command_signal(ConnectionCommand::Start)
                        ? ConnectionCommand::Start
                        : ConnectionCommand::Stop;
        r.count = info.ssi_int;
        return r;
    }
}

}  // namespace lab::sys
