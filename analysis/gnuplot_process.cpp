#include "analysis/gnuplot_process.hpp"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>
#include <system_error>
#include <thread>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <fmt/format.h>

#include "common/errno_name.hpp"

namespace bp = boost::process;

namespace lab::analysis {
namespace {

// More than any plot of a sweep can be: a gnuplot writing this much is stuck in a loop.
constexpr std::size_t kMostSvgBytes = 64u << 20;
constexpr std::size_t kStderrBytesKept = 4096;

[[noreturn]] void throw_errno(const std::string& what) {
    int e = errno;
    throw std::system_error(e, std::system_category(), fmt::format("gnuplot: {} ({})", what, errno_name(e)));
}

// Between fork and exec: die with the lab, and inherit none of its descriptors beyond 0-2 (with
// scenarios running in parallel, another thread's pipes are open at any fork) nor its signal handling.
struct DetachFromLab : bp::extend::handler {
    pid_t parent;

    template <typename Executor>
    void on_exec_setup(Executor&) const {
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent) _exit(127);
        if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) _exit(127);
        signal(SIGPIPE, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
    }
};

enum class OurEnd { Read, Write };

// A pipe whose both ends are close-on-exec, handed to Boost.Process, which dup2()s the child's end onto
// 0, 1 or 2 in the child only. Our end is non-blocking (poll() decides when to use it); the child's end
// must not be: O_NONBLOCK belongs to the open file, which dup2() shares.
bp::pipe cloexec_pipe(OurEnd ours) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("pipe2");
    bp::pipe p(fds[0], fds[1]);
    int fd = ours == OurEnd::Read ? fds[0] : fds[1];
    int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) throw_errno("fcntl(O_NONBLOCK)");
    return p;
}

// The child, killed and reaped on every way out that did not reap it.
struct ReapedChild {
    pid_t pid;
    bool reaped = false;
    int status = 0;

    ~ReapedChild() {
        if (reaped) return;
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    bool try_reap() {
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD)) reaped = true;
        return reaped;
    }
};

// Writing into a pipe whose reader has gone raises SIGPIPE, which would end a program that does not
// ignore it. Blocked in this thread while we write; one raised by our write is taken back before the
// mask is restored.
class SigpipeBlocked {
public:
    SigpipeBlocked() {
        sigset_t pipe_only;
        sigemptyset(&pipe_only);
        sigaddset(&pipe_only, SIGPIPE);
        sigset_t pending;
        sigpending(&pending);
        was_pending_ = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &pipe_only, &old_);
    }
    ~SigpipeBlocked() {
        if (!was_pending_) {
            sigset_t pipe_only;
            sigemptyset(&pipe_only);
            sigaddset(&pipe_only, SIGPIPE);
            timespec zero{0, 0};
            while (sigtimedwait(&pipe_only, nullptr, &zero) == SIGPIPE) {
            }
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    SigpipeBlocked(const SigpipeBlocked&) = delete;
    SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

private:
    sigset_t old_;
    bool was_pending_ = false;
};

std::string first_lines(const std::string& text) {
    std::string out = text.substr(0, 600);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    for (char& c : out)
        if (c == '\n') c = ' ';
    return out.empty() ? "nothing on stderr" : out;
}

}  // namespace

std::string gnuplot_executable() {
    auto path = bp::search_path("gnuplot");
    if (path.empty()) throw GnuplotNotFound();
    return path.string();
}

std::string run_gnuplot(const std::string& script, std::chrono::milliseconds limit) {
    using Clock = std::chrono::steady_clock;
    const std::string exe = gnuplot_executable();
    const auto deadline = Clock::now() + limit;
    bp::pipe in = cloexec_pipe(OurEnd::Write), out = cloexec_pipe(OurEnd::Read), err = cloexec_pipe(OurEnd::Read);
    std::error_code ec;
    bp::child child(bp::exe = exe, bp::args = std::vector<std::string>{"-d"}, bp::std_in < in, bp::std_out > out,
                    bp::std_err > err, DetachFromLab{{}, ::getpid()}, ec);
    if (ec) throw std::system_error(ec, fmt::format("gnuplot: start {} ({})", exe, errno_name(ec.value())));
    ReapedChild reaper{child.id()};
    child.detach();  // reaped by `reaper`, on every path

    SigpipeBlocked sigpipe_blocked;
    std::size_t written = 0;
    std::string svg, errors;
    bool out_open = true, err_open = true;
    auto remaining_ms = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    };
    auto missed_deadline = [&] {
        return std::runtime_error(fmt::format("gnuplot (pid {}): no result within {} ms; killed", reaper.pid, limit.count()));
    };
    if (script.empty()) in.close();
    while (out_open || err_open) {
        pollfd fds[3];
        nfds_t n = 0;
        int in_slot = -1, out_slot = -1, err_slot = -1;
        if (in.native_sink() >= 0) fds[in_slot = static_cast<int>(n++)] = {in.native_sink(), POLLOUT, 0};
        if (out_open) fds[out_slot = static_cast<int>(n++)] = {out.native_source(), POLLIN, 0};
        if (err_open) fds[err_slot = static_cast<int>(n++)] = {err.native_source(), POLLIN, 0};
        long long wait = remaining_ms();
        if (wait <= 0) throw missed_deadline();
        int ready = ::poll(fds, n, static_cast<int>(std::min<long long>(wait, 1000)));
        if (ready < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll");
        }
        if (in_slot >= 0 && fds[in_slot].revents) {
            ssize_t w = ::write(in.native_sink(), script.data() + written, script.size() - written);
            if (w > 0) written += static_cast<std::size_t>(w);
            else if (w < 0 && errno != EAGAIN && errno != EINTR) written = script.size();  // EPIPE: gnuplot has gone; its status says why
            if (written == script.size()) {
                ::close(in.native_sink());
                in.assign_sink(-1);
            }
        }
        char buffer[65536];
        auto drain = [&](int slot, int fd, std::string& into, bool& open, std::size_t keep) {
            if (slot < 0 || !fds[slot].revents) return;
            ssize_t r = ::read(fd, buffer, sizeof buffer);
            if (r > 0) {
                if (into.size() < keep) into.append(buffer, std::min(static_cast<std::size_t>(r), keep - into.size()));
                else if (&into == &svg) throw std::runtime_error(fmt::format("gnuplot (pid {}): more than {} bytes of SVG; killed",
                                                                             reaper.pid, kMostSvgBytes));
            } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                open = false;
            }
        };
        drain(out_slot, out.native_source(), svg, out_open, kMostSvgBytes);
        drain(err_slot, err.native_source(), errors, err_open, kStderrBytesKept);
    }
    while (!reaper.try_reap()) {
        if (remaining_ms() <= 0) throw missed_deadline();
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    int status = reaper.status;
    if (WIFSIGNALED(status))
        throw std::runtime_error(fmt::format("gnuplot (pid {}) killed by signal {}: {}", reaper.pid, WTERMSIG(status),
                                             first_lines(errors)));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error(fmt::format("gnuplot (pid {}) exited with status {}: {}", reaper.pid,
                                             WIFEXITED(status) ? WEXITSTATUS(status) : -1, first_lines(errors)));
    if (svg.find("<svg") == std::string::npos)
        throw std::runtime_error(fmt::format("gnuplot (pid {}) wrote no SVG: {}", reaper.pid, first_lines(errors)));
    return svg;
}

}  // namespace lab::analysis
