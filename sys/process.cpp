#include "sys/process.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <thread>
#include <utility>

// glibc has vfork() but no longer declares the POSIX level that Boost.Process checks for it.
#define BOOST_POSIX_HAS_VFORK 1
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <fmt/format.h>

#include "common/errno_name.hpp"
#include "sys/connect_gate.hpp"
#include "sys/descriptor_limit.hpp"
#include "sys/unique_fd.hpp"

namespace bp = boost::process;

namespace lab::sys {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(5);

// What the child reports before exec: its pid, and which step failed. The child is vfork()ed and shares
// our memory until it execs or exits, so it writes here directly - no pipe, and no allocation in the
// child (which could deadlock on a malloc lock held by another of our threads). The pid lets us reap a
// child whose exec failed: Boost.Process then returns no child and only tries a non-blocking waitpid.
struct ChildSetupReport {
    pid_t pid = 0;
    int error = 0;
    const char* step = nullptr;
};

// Runs in the vfork()ed child, between vfork and exec. Only system calls here. On failure the child must
// _exit at once: returning would exec the program in the wrong namespace or cgroup.
struct PrepareChild : bp::extend::handler {
    const ProcessSpec* spec;
    int stdin_fd, stdout_fd, stderr_fd;
    std::optional<rlimit> nofile;  // the descriptor limit lab was started with
    pid_t parent;
    ChildSetupReport* report;

    [[noreturn]] void fail(const char* step) const {
        report->error = errno;
        report->step = step;
        _exit(127);
    }

    // Raw system calls: glibc's setuid() and friends signal every thread of the process to change
    // theirs too, and in a vforked child those threads are lab's own.
    void drop_to(const Credentials& user) const {
        if (::syscall(SYS_setgroups, user.groups.size(), user.groups.data()) != 0) fail("setgroups");
        if (::syscall(SYS_setresgid, user.gid, user.gid, user.gid) != 0) fail("setresgid");
        if (::syscall(SYS_setresuid, user.uid, user.uid, user.uid) != 0) fail("setresuid");
        // A change of credentials clears the parent-death signal: set it again, then make sure lab is
        // still there to have sent it.
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail("prctl(PR_SET_PDEATHSIG)");
        if (getppid() != parent) {
            errno = ESRCH;
            fail("getppid (lab already exited)");
        }
        // Without CAP_SYS_ADMIN a seccomp filter (the connect gate) needs no_new_privs.
        if (spec->gate_socket >= 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) fail("prctl(PR_SET_NO_NEW_PRIVS)");
    }

    template <typename Executor>
    void on_exec_setup(Executor&) const {
        report->pid = ::getpid();
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail("prctl(PR_SET_PDEATHSIG)");
        if (getppid() != parent) {
            errno = ESRCH;
            fail("getppid (lab already exited)");
        }
        // The cgroup first: from here on everything this program starts is the run's and ends with it.
        if (spec->cgroup_procs_fd >= 0 && ::write(spec->cgroup_procs_fd, "0", 1) != 1) fail("join the run's cgroup");
        if (spec->netns_fd >= 0 && setns(spec->netns_fd, CLONE_NEWNET) != 0) fail("setns(CLONE_NEWNET)");
        if (!spec->working_dir.empty() && ::chdir(spec->working_dir.c_str()) != 0) fail("chdir");
        if (nofile && ::setrlimit(RLIMIT_NOFILE, &*nofile) != 0) fail("setrlimit(RLIMIT_NOFILE)");
        if (::dup2(stdin_fd, 0) < 0) fail("dup2(stdin)");
        if (::dup2(stdout_fd, 1) < 0) fail("dup2(stdout)");
        if (::dup2(stderr_fd, 2) < 0) fail("dup2(stderr)");
        // Nor may lab's descriptors: with scenarios running in parallel another thread's sockets and pipes
        // are open at any fork, and a program under RLIMIT_NOFILE would count them as its own.
        if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) fail("close_range(CLOSE_RANGE_CLOEXEC)");
        // lab's own signal dispositions and mask must not leak into the program: dispositions first, so
        // that no signal unblocked here runs a lab handler in the child.
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        // After the dispositions: once it is the user's, the user may signal it, and a lab handler must
        // not run in a child that still shares lab's memory.
        if (spec->run_as) drop_to(*spec->run_as);
        // Last: from here on the program's connect and send calls are the gate's to hold.
        if (spec->gate_socket >= 0) {
            if (const int e = install_connect_gate(spec->gate_socket); e != 0) {
                errno = e;
                fail("seccomp(SECCOMP_FILTER_FLAG_NEW_LISTENER) for the connect gate");
            }
        }
    }
};

UniqueFd open_dev_null() {
    UniqueFd fd(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!fd) throw std::system_error(errno, std::system_category(), "open /dev/null (" + errno_name(errno) + ")");
    return fd;
}

// False when the child was reaped elsewhere (ECHILD): its status is unknown.
bool reap_blocking(pid_t pid, int& status) {
    for (;;) {
        if (::waitpid(pid, &status, 0) >= 0) return true;
        if (errno != EINTR) return false;
    }
}

}  // namespace

std::string ProcessEnd::describe() const {
    if (exit_code) return fmt::format("exit {}", *exit_code);
    if (signal && *signal > 0)
        return fmt::format("killed by {}", sigabbrev_np(*signal) ? fmt::format("SIG{}", sigabbrev_np(*signal))
                                                                 : fmt::format("signal {}", *signal));
    return "ended (status unknown)";
}

Process Process::spawn(const ProcessSpec& spec) {
    std::vector<std::string> args(spec.argv.begin() + (spec.argv.empty() ? 0 : 1), spec.argv.end());
    UniqueFd dev_null;
    auto stream = [&](int fd) {
        if (fd >= 0) return fd;
        if (!dev_null) dev_null = open_dev_null();
        return dev_null.get();
    };
    const int in = stream(spec.stdin_fd), out = stream(spec.stdout_fd), err = stream(spec.stderr_fd);
    ChildSetupReport report;
    std::error_code ec;
    bp::child child(bp::exe = spec.executable, bp::args = args,
                    PrepareChild{{}, &spec, in, out, err, inherited_descriptor_limit(), ::getpid(), &report}, bp::posix::use_vfork, ec);
    const pid_t pid = report.pid > 0 ? report.pid : child.id();
    child.detach();  // reaped by us alone, by pid
    if (ec || report.error != 0) {
        // The child has _exit()ed (or is about to): reap it, unless Boost.Process already did (ECHILD).
        int status = 0;
        if (report.pid > 0) reap_blocking(report.pid, status);
        if (report.error != 0)
            throw std::system_error(std::error_code(report.error, std::system_category()),
                                    fmt::format("start {}: {} ({})", spec.executable, report.step, errno_name(report.error)));
        throw std::system_error(ec, fmt::format("start {} ({})", spec.executable, errno_name(ec.value())));
    }
    Process p;
    p.pid_ = pid;
    return p;
}

Process::Process(Process&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), end_(std::exchange(other.end_, std::nullopt)), ended_at_(other.ended_at_) {}

Process& Process::operator=(Process&& other) noexcept {
    if (this != &other) {
        kill_and_reap();
        pid_ = std::exchange(other.pid_, -1);
        end_ = std::exchange(other.end_, std::nullopt);
        ended_at_ = other.ended_at_;
    }
    return *this;
}

Process::~Process() { kill_and_reap(); }

void Process::record_end(int status) {
    ProcessEnd e;
    if (WIFEXITED(status)) e.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) e.signal = WTERMSIG(status);
    end_ = e;
    ended_at_ = std::chrono::steady_clock::now();
}

const std::optional<ProcessEnd>& Process::poll() {
    if (pid_ <= 0 || end_) return end_;
    int status = 0;
    const pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == 0) return end_;
    if (r < 0) {
        end_ = ProcessEnd{std::nullopt, 0};  // ECHILD: reaped elsewhere; ended, status unknown
        ended_at_ = std::chrono::steady_clock::now();
        return end_;
    }
    if (WIFEXITED(status) || WIFSIGNALED(status)) record_end(status);
    return end_;  // stopped or continued: still there
}

void Process::signal(int sig) {
    if (pid_ > 0 && !end_) ::kill(pid_, sig);
}

WaitOutcome Process::wait_until(std::chrono::steady_clock::time_point deadline, const std::atomic<int>* interrupt) {
    for (;;) {
        if (poll()) return WaitOutcome::Ended;
        if (interrupt && interrupt->load() != 0) return WaitOutcome::Interrupted;
        if (std::chrono::steady_clock::now() >= deadline) return WaitOutcome::DeadlinePassed;
        std::this_thread::sleep_for(kPollInterval);
    }
}

const ProcessEnd& Process::stop(std::chrono::milliseconds grace) {
    Process* self = this;
    stop_processes(std::span<Process* const>(&self, 1), grace);
    return *end_;
}

void Process::kill_and_reap() {
    if (pid_ <= 0 || end_) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    if (reap_blocking(pid_, status)) {
        record_end(status);
    } else {
        end_ = ProcessEnd{std::nullopt, 0};
        ended_at_ = std::chrono::steady_clock::now();
    }
}

void stop_processes(std::span<Process* const> processes, std::chrono::milliseconds grace) {
    for (Process* p : processes)
        if (!p->poll()) p->signal(SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + grace;
    auto any_running = [&] {
        bool running = false;
        for (Process* p : processes) running = !p->poll() || running;
        return running;
    };
    while (any_running() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(kPollInterval);
    for (Process* p : processes) p->kill_and_reap();
}

std::string find_executable(const std::string& command) {
    if (command.find('/') != std::string::npos) {
        if (::access(command.c_str(), X_OK) != 0)
            throw std::runtime_error("command '" + command + "' is not an executable file (" + errno_name(errno) + ")");
        return command;
    }
    auto path = bp::search_path(command);
    if (path.empty()) throw std::runtime_error("command '" + command + "' is not found in PATH");
    return path.string();
}

}  // namespace lab::sys
