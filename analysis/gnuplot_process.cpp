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

#include <fmt/format.h>

#include "common/errno_name.hpp"
#include "sys/process.hpp"
#include "sys/unique_fd.hpp"

namespace lab::analysis {
namespace {

// More than any plot of a sweep can be: a gnuplot writing this much is stuck in a loop.
constexpr std::size_t kMostSvgBytes = 64u << 20;
constexpr std::size_t kStderrBytesKept = 4096;

[[noreturn]] void throw_errno(const std::string& what) {
    int e = errno;
    throw std::system_error(e, std::system_category(), fmt::format("gnuplot: {} ({})", what, errno_name(e)));
}

// A pipe, close-on-exec at both ends (sys::Process dup2()s the child's end onto 0, 1 or 2); our end is
// non-blocking, for poll(). The child's must not be: O_NONBLOCK belongs to the open file, which dup2() shares.
struct Pipe {
    sys::UniqueFd read;
    sys::UniqueFd write;
};

enum class OurEnd { Read, Write };

Pipe cloexec_pipe(OurEnd ours) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("pipe2");
    Pipe p{sys::UniqueFd(fds[0]), sys::UniqueFd(fds[1])};
    const int fd = ours == OurEnd::Read ? p.read.get() : p.write.get();
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) throw_errno("fcntl(O_NONBLOCK)");
    return p;
}

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
    try {
        return sys::find_executable("gnuplot");
    } catch (const std::runtime_error&) {
        throw GnuplotNotFound();
    }
}

std::string run_gnuplot(const std::string& script, std::chrono::milliseconds limit) {
    using Clock = std::chrono::steady_clock;
    const std::string exe = gnuplot_executable();
    const auto deadline = Clock::now() + limit;
    Pipe in = cloexec_pipe(OurEnd::Write), out = cloexec_pipe(OurEnd::Read), err = cloexec_pipe(OurEnd::Read);
    sys::ProcessSpec spec;
    spec.executable = exe;
    spec.argv = {exe, "-d"};
    spec.stdin_fd = in.read.get();
    spec.stdout_fd = out.write.get();
    spec.stderr_fd = err.write.get();
    sys::Process gnuplot = sys::Process::spawn(spec);  // killed and reaped on every way out
    // Only gnuplot holds these ends now: our reads see end-of-file when it is done.
    in.read.close_now();
    out.write.close_now();
    err.write.close_now();

    SigpipeBlocked sigpipe_blocked;
    std::size_t written = 0;
    std::string svg, errors;
    bool out_open = true, err_open = true;
    auto remaining_ms = [&] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    };
    auto missed_deadline = [&] {
        return std::runtime_error(fmt::format("gnuplot (pid {}): no result within {} ms; killed", gnuplot.pid(), limit.count()));
    };
    if (script.empty()) in.write.close_now();
    while (out_open || err_open) {
        pollfd fds[3];
        nfds_t n = 0;
        int in_slot = -1, out_slot = -1, err_slot = -1;
        if (in.write) fds[in_slot = static_cast<int>(n++)] = {in.write.get(), POLLOUT, 0};
        if (out_open) fds[out_slot = static_cast<int>(n++)] = {out.read.get(), POLLIN, 0};
        if (err_open) fds[err_slot = static_cast<int>(n++)] = {err.read.get(), POLLIN, 0};
        long long wait = remaining_ms();
        if (wait <= 0) throw missed_deadline();
        int ready = ::poll(fds, n, static_cast<int>(std::min<long long>(wait, 1000)));
        if (ready < 0) {
            if (errno == EINTR) continue;
            throw_errno("poll");
        }
        if (in_slot >= 0 && fds[in_slot].revents) {
            ssize_t w = ::write(in.write.get(), script.data() + written, script.size() - written);
            if (w > 0) written += static_cast<std::size_t>(w);
            else if (w < 0 && errno != EAGAIN && errno != EINTR) written = script.size();  // EPIPE: gnuplot has gone; its status says why
            if (written == script.size()) in.write.close_now();
        }
        char buffer[65536];
        auto drain = [&](int slot, int fd, std::string& into, bool& open, std::size_t keep) {
            if (slot < 0 || !fds[slot].revents) return;
            ssize_t r = ::read(fd, buffer, sizeof buffer);
            if (r > 0) {
                if (into.size() < keep) into.append(buffer, std::min(static_cast<std::size_t>(r), keep - into.size()));
                else if (&into == &svg) throw std::runtime_error(fmt::format("gnuplot (pid {}): more than {} bytes of SVG; killed",
                                                                             gnuplot.pid(), kMostSvgBytes));
            } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                open = false;
            }
        };
        drain(out_slot, out.read.get(), svg, out_open, kMostSvgBytes);
        drain(err_slot, err.read.get(), errors, err_open, kStderrBytesKept);
    }
    if (gnuplot.wait_until(deadline) != sys::WaitOutcome::Ended) throw missed_deadline();
    const sys::ProcessEnd& end = *gnuplot.end();
    if (end.signal)
        throw std::runtime_error(fmt::format("gnuplot (pid {}) killed by signal {}: {}", gnuplot.pid(), *end.signal,
                                             first_lines(errors)));
    if (end.exit_code != 0)
        throw std::runtime_error(fmt::format("gnuplot (pid {}) exited with status {}: {}", gnuplot.pid(),
                                             end.exit_code.value_or(-1), first_lines(errors)));
    if (svg.find("<svg") == std::string::npos)
        throw std::runtime_error(fmt::format("gnuplot (pid {}) wrote no SVG: {}", gnuplot.pid(), first_lines(errors)));
    return svg;
}

}  // namespace lab::analysis
