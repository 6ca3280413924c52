#include "runner/child_process.hpp"

#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

// glibc has vfork() but no longer declares the POSIX level that Boost.Process checks for it.
#define BOOST_POSIX_HAS_VFORK 1
#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include "common/errno_name.hpp"

namespace bp = boost::process;

namespace lab::runner {
namespace {

// What the child reports before exec: its pid, and which step failed. The child is vfork()ed and shares
// our memory until it execs or exits, so it writes here directly - no pipe, and no allocation in the
// child (which could deadlock on a malloc lock held by another of our threads). The pid lets us reap a
// child whose exec failed: Boost.Process then returns no child and only tries a non-blocking waitpid.
struct ChildSetupReport {
    pid_t pid = 0;
    int error = 0;
    const char* step = nullptr;
};

// Runs in the vfork()ed child, between vfork and exec: join the lab namespace and tie our life to the
// lab's. Only system calls here. On failure the child must _exit at once: returning would exec the
// command in the host's namespace.
struct JoinNetnsAndDieWithParent : bp::extend::handler {
    int netns_fd;
    pid_t parent;
    ChildSetupReport* report;

    [[noreturn]] void fail(const char* step) const {
        report->error = errno;
        report->step = step;
        _exit(127);
    }

    template <typename Executor>
    void on_exec_setup(Executor&) const {
        report->pid = ::getpid();
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail("prctl(PR_SET_PDEATHSIG)");
        if (getppid() != parent) {
            errno = ESRCH;
            fail("getppid (the lab already exited)");
        }
        if (setns(netns_fd, CLONE_NEWNET) != 0) fail("setns(CLONE_NEWNET)");
        // Nor may the lab's descriptors: with scenarios running in parallel another thread's sockets
        // and pipes are open at any fork, and a program under RLIMIT_NOFILE would count them as its own.
        // CLOEXEC, not close: stdout/stderr redirections may still be dup'ed from them before exec.
        if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) fail("close_range(CLOSE_RANGE_CLOEXEC)");
        // The lab's own signal dispositions and mask must not leak into the program: dispositions
        // first, so that no signal unblocked here runs a lab handler in the child.
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
    }
};

}  // namespace

struct ChildProcess::Impl {
    bp::child child;
};

ChildProcess::ChildProcess(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ChildProcess::ChildProcess(ChildProcess&&) noexcept = default;
ChildProcess& ChildProcess::operator=(ChildProcess&&) noexcept = default;

ChildProcess::~ChildProcess() {
    if (!impl_ || ended()) return;
    ::kill(impl_->child.id(), SIGKILL);
    int status = 0;
    while (::waitpid(impl_->child.id(), &status, 0) < 0 && errno == EINTR) {
    }
    impl_->child.detach();  // reaped above; keep boost from waiting again
}

ChildProcess ChildProcess::launch(const LaunchSpec& spec) {
    std::vector<std::string> args(spec.argv.begin() + (spec.argv.empty() ? 0 : 1), spec.argv.end());
    std::error_code ec;
    ChildSetupReport report;
    // vfork: the parent's page tables are not copied, which makes a start take well under a millisecond
    // however large the lab has grown (with fork, 100 netcat copies took seconds under ASan).
    auto impl = std::make_unique<Impl>(Impl{bp::child(
        bp::exe = spec.executable, bp::args = args, bp::std_in < bp::null, bp::std_out > spec.stdout_path,
        bp::std_err > spec.stderr_path, JoinNetnsAndDieWithParent{{}, spec.netns_fd, ::getpid(), &report},
        bp::posix::use_vfork, ec)});
    if (ec || report.error != 0) {
        // The child has _exit()ed (or is about to): reap it, unless Boost.Process already did (ECHILD).
        int status = 0;
        if (report.pid > 0)
            while (::waitpid(report.pid, &status, 0) < 0 && errno == EINTR) {
            }
        impl->child.detach();
    }
    if (ec) throw std::system_error(ec, "start " + spec.executable + " (" + errno_name(ec.value()) + ")");
    if (report.error != 0)
        throw std::system_error(std::error_code(report.error, std::system_category()),
                                "start " + spec.executable + ": " + report.step + " (" + errno_name(report.error) + ")");
    return ChildProcess(std::move(impl));
}

pid_t ChildProcess::pid() const { return impl_ ? impl_->child.id() : -1; }

bool ChildProcess::poll() {
    if (!impl_ || ended()) return true;
    int status = 0;
    pid_t r = ::waitpid(impl_->child.id(), &status, WNOHANG);
    if (r == 0) return false;
    if (r < 0) {
        // ECHILD: somebody reaped it already; treat it as ended with unknown status.
        term_signal_ = 0;
    } else if (WIFEXITED(status)) {
        exit_code_ = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        term_signal_ = WTERMSIG(status);
    } else {
        return false;  // stopped/continued: still alive
    }
    ended_at_ = std::chrono::steady_clock::now();
    impl_->child.detach();
    return true;
}

void ChildProcess::send_signal(int sig) {
    if (impl_ && !ended()) ::kill(impl_->child.id(), sig);
}

std::string resolve_executable(const std::string& command) {
    if (command.find('/') != std::string::npos) {
        if (::access(command.c_str(), X_OK) != 0)
            throw std::runtime_error("command '" + command + "' is not an executable file (" + errno_name(errno) + ")");
        return command;
    }
    auto path = bp::search_path(command);
    if (path.empty()) throw std::runtime_error("command '" + command + "' is not found in PATH");
    return path.string();
}

}  // namespace lab::runner
