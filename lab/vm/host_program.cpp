#include "lab/vm/host_program.hpp"

#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>
#include <thread>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <fmt/format.h>

#include "common/errno_name.hpp"

namespace bp = boost::process;

namespace lab::vm {
namespace {

// Between fork and exec: tie the child's life to lab's, and give it default signal handling (lab
// ignores SIGPIPE and catches SIGINT; a program must not inherit that).
struct DieWithParent : bp::extend::handler {
    pid_t parent;

    template <typename Executor>
    void on_exec_setup(Executor& exec) const {
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) {
            exec.set_error(std::error_code(errno, std::system_category()), "prctl(PR_SET_PDEATHSIG)");
            _exit(127);
        }
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
    }
};

std::string last_lines(const std::string& path, std::size_t count) {
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
        if (lines.size() > count) lines.erase(lines.begin());
    }
    std::string out;
    for (const auto& l : lines) out += "\n    " + l;
    return out;
}

std::string resolve(const std::string& name) {
    if (name.find('/') != std::string::npos) return name;
    auto path = bp::search_path(name);
    if (path.empty()) throw std::runtime_error(fmt::format("program '{}' is not found in PATH", name));
    return path.string();
}

}  // namespace

std::string ProgramEnd::describe() const {
    if (exit_code) return fmt::format("exit {}", *exit_code);
    if (signal) return fmt::format("killed by {}", sigabbrev_np(*signal) ? fmt::format("SIG{}", sigabbrev_np(*signal))
                                                                         : fmt::format("signal {}", *signal));
    return "ended (status unknown)";
}

struct HostProgram::Impl {
    bp::child child;
};

HostProgram::HostProgram(std::unique_ptr<Impl> impl, std::string name) : impl_(std::move(impl)), name_(std::move(name)) {}
HostProgram::HostProgram(HostProgram&&) noexcept = default;
HostProgram& HostProgram::operator=(HostProgram&&) noexcept = default;

HostProgram::~HostProgram() { kill_and_reap(); }

HostProgram HostProgram::start(const ProgramSpec& spec) {
    if (spec.argv.empty()) throw std::invalid_argument("HostProgram: empty argv");
    std::string exe = resolve(spec.argv.front());
    std::vector<std::string> args(spec.argv.begin() + 1, spec.argv.end());
    std::string out = spec.output_path.empty() ? std::string("/dev/null") : spec.output_path;
    std::string dir = spec.working_dir.empty() ? std::string(".") : spec.working_dir;
    std::error_code ec;
    auto impl = std::make_unique<Impl>(Impl{bp::child(bp::exe = exe, bp::args = args, bp::start_dir = dir,
                                                      bp::std_in < bp::null, (bp::std_out & bp::std_err) > out,
                                                      DieWithParent{{}, ::getpid()}, ec)});
    if (ec) throw std::system_error(ec, fmt::format("start {} ({})", exe, errno_name(ec.value())));
    return HostProgram(std::move(impl), spec.argv.front());
}

pid_t HostProgram::pid() const { return impl_ ? impl_->child.id() : -1; }

std::optional<ProgramEnd> HostProgram::poll() {
    if (!impl_ || end_) return end_;
    int status = 0;
    pid_t r = ::waitpid(impl_->child.id(), &status, WNOHANG);
    if (r == 0) return std::nullopt;
    ProgramEnd e;
    if (r < 0) {
        e.signal = 0;  // ECHILD: reaped elsewhere; ended, status unknown
    } else if (WIFEXITED(status)) {
        e.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        e.signal = WTERMSIG(status);
    } else {
        return std::nullopt;  // stopped or continued: still there
    }
    impl_->child.detach();  // reaped here; boost must not wait again
    end_ = e;
    return end_;
}

WaitOutcome HostProgram::wait_until(std::chrono::steady_clock::time_point deadline, const std::atomic<int>* interrupt) {
    while (true) {
        if (poll()) return WaitOutcome::Ended;
        if (interrupt && interrupt->load() != 0) return WaitOutcome::Interrupted;
        if (std::chrono::steady_clock::now() >= deadline) return WaitOutcome::DeadlinePassed;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void HostProgram::kill_and_reap() {
    if (!impl_ || end_) return;
    ::kill(impl_->child.id(), SIGKILL);
    int status = 0;
    while (::waitpid(impl_->child.id(), &status, 0) < 0 && errno == EINTR) {
    }
    impl_->child.detach();
    end_ = ProgramEnd{std::nullopt, SIGKILL};
}

void run_program(const ProgramSpec& spec, std::chrono::seconds timeout, const std::atomic<int>* interrupt) {
    HostProgram p = HostProgram::start(spec);
    std::string what;
    for (const auto& a : spec.argv) what += (what.empty() ? "" : " ") + a;
    WaitOutcome w = p.wait_until(std::chrono::steady_clock::now() + timeout, interrupt);
    if (w == WaitOutcome::Interrupted) throw std::runtime_error(fmt::format("`{}`: interrupted", what));
    if (w == WaitOutcome::DeadlinePassed) {
        p.kill_and_reap();
        throw std::runtime_error(fmt::format("`{}` (pid {}): no end after {} s; killed", what, p.pid(), timeout.count()));
    }
    if (!p.end()->success())
        throw std::runtime_error(fmt::format("`{}`: {}{}", what, p.end()->describe(),
                                             spec.output_path.empty() ? "" : last_lines(spec.output_path, 8)));
}

}  // namespace lab::vm
