#pragma once
// One process the lab started inside a lab namespace. RAII: a ChildProcess that is destroyed while its
// process still runs kills it (SIGKILL) and reaps it, so no exit path leaves a process behind; and the
// process itself dies with the lab (PR_SET_PDEATHSIG), so not even `kill -9` of the lab does.
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lab::runner {

struct LaunchSpec {
    std::string executable;  // absolute path, resolved before anything is built
    std::vector<std::string> argv;  // argv[0] included
    int netns_fd = -1;       // the namespace the child joins before exec
    std::string stdout_path;
    std::string stderr_path;
};

class ChildProcess {
public:
    static ChildProcess launch(const LaunchSpec& spec);  // throws std::system_error naming the executable

    ChildProcess(ChildProcess&&) noexcept;
    ChildProcess& operator=(ChildProcess&&) noexcept;
    ~ChildProcess();

    pid_t pid() const;
    // Reaps without blocking; true once the process has ended.
    bool poll();
    bool ended() const { return exit_code_.has_value() || term_signal_.has_value(); }
    std::optional<int> exit_code() const { return exit_code_; }
    std::optional<int> term_signal() const { return term_signal_; }
    std::chrono::steady_clock::time_point ended_at() const { return ended_at_; }
    void send_signal(int sig);  // no-op once ended

private:
    struct Impl;
    explicit ChildProcess(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
    std::optional<int> exit_code_;
    std::optional<int> term_signal_;
    std::chrono::steady_clock::time_point ended_at_{};
};

// PATH lookup for a command's first word, done before the lab builds anything; throws naming the command.
std::string resolve_executable(const std::string& command);

}  // namespace lab::runner
