#include "tests/e2e/support/program.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include "tests/e2e/support/file_text.hpp"

namespace bp = boost::process;
namespace fs = std::filesystem;

namespace lab::e2e {
namespace {

// What kept a program from starting: the error, and the program or output file it concerns.
struct StartError {
    std::error_code code;
    std::string object;
};

[[noreturn]] void throw_start_error(const StartError& error) {
    throw std::system_error(error.code, "cannot start " + error.object);
}

struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using OpenFile = std::unique_ptr<std::FILE, FileCloser>;

// Opened close-on-exec, as every file here: the program gets it as its stdin, stdout or stderr and no second
// descriptor of it, which a scenario that counts descriptors would see (Boost.Process's own targets, paths
// and bp::null, leave one each).
OpenFile open_stdin(const ProgramSpec& spec, StartError& error) {
    std::FILE* file = std::fopen("/dev/null", "re");
    if (!file) {
        error.code = std::error_code(errno, std::system_category());
        error.object = spec.exe.string() + ": its stdin /dev/null";
    }
    return OpenFile(file);
}

OpenFile open_output(const Output& output, const ProgramSpec& spec, StartError& error) {
    int fd = -1;
    switch (output.kind) {
    case Output::Kind::discarded:
        fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
        break;
    case Output::Kind::file:
        fd = ::open(output.file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0660);
        break;
    case Output::Kind::captured: {
        std::string name = (fs::temp_directory_path() / "lab-e2e-output-XXXXXX").string();
        fd = ::mkostemp(name.data(), O_CLOEXEC);
        if (fd >= 0) ::unlink(name.c_str());
        break;
    }
    }
    std::FILE* file = fd >= 0 ? ::fdopen(fd, "w") : nullptr;
    if (!file) {
        error.code = std::error_code(errno, std::system_category());
        error.object = spec.exe.string() + ": its output " +
                       (output.kind == Output::Kind::file ? output.file.string() : std::string("in a temporary file"));
        if (fd >= 0) ::close(fd);
    }
    return OpenFile(file);
}

// What the program wrote into one captured stream: the whole file, from its start.
std::string captured_text(std::FILE* file) {
    std::string text;
    char buffer[65536];
    for (off_t at = 0;;) {
        const ssize_t n = ::pread(::fileno(file), buffer, sizeof buffer, at);
        if (n <= 0) break;
        text.append(buffer, static_cast<std::size_t>(n));
        at += n;
    }
    return text;
}

// The program's stdin, stdout and stderr. One file for stdout and stderr when both name the same path: two
// descriptors of it would each write from an offset of its own, over the other's lines.
class StdioFiles {
public:
    StdioFiles(const ProgramSpec& spec, StartError& error) : shared_(same_file(spec.out, spec.err)) {
        in_ = open_stdin(spec, error);
        if (in_) out_ = open_output(spec.out, spec, error);
        if (out_ && !shared_) err_ = open_output(spec.err, spec, error);
    }
    bool opened() const { return in_ && out_ && (shared_ || err_); }
    std::FILE* in() const { return in_.get(); }
    std::FILE* out() const { return out_.get(); }
    std::FILE* err() const { return shared_ ? out_.get() : err_.get(); }

private:
    static bool same_file(const Output& a, const Output& b) {
        return a.kind == Output::Kind::file && b.kind == Output::Kind::file &&
               a.file.lexically_normal() == b.file.lexically_normal();
    }

    bool shared_;
    OpenFile in_;
    OpenFile out_;
    OpenFile err_;
};

std::string text_of(const Output& output, std::FILE* file) {
    switch (output.kind) {
    case Output::Kind::discarded: return "";
    case Output::Kind::file: return slurp(output.file);
    case Output::Kind::captured: return captured_text(file);
    }
    return "";
}

bp::child launch(const ProgramSpec& spec, const StdioFiles& files, StartError& error) {
    bp::environment env = boost::this_process::environment();
    for (const auto& name : spec.unset_env) env.erase(name);
    for (const auto& [name, value] : spec.env) env[name] = value;
    const std::string cwd = (spec.cwd.empty() ? fs::current_path() : spec.cwd).string();
    const bool die_with_test = spec.die_with_test;
    auto parent_death_signal = bp::extend::on_exec_setup = [die_with_test](auto&) {
        if (die_with_test) ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    };
    bp::child child(bp::exe = spec.exe.string(), bp::args = spec.args, bp::start_dir = cwd, env, bp::std_in < files.in(),
                    bp::std_out > files.out(), bp::std_err > files.err(), parent_death_signal, error.code);
    if (error.code) error.object = spec.exe.string();
    return child;
}

// A started program; an invalid one, and `error` set, when it could not be started. The test's copies of
// its output files are closed again.
bp::child start_in_background(const ProgramSpec& spec, StartError& error) {
    if (spec.out.kind == Output::Kind::captured || spec.err.kind == Output::Kind::captured)
        throw std::invalid_argument(spec.exe.string() + ": a program in the background writes to a file or nowhere");
    const StdioFiles files(spec, error);
    if (!files.opened()) return {};
    return launch(spec, files, error);
}

}  // namespace

Result run_to_end(const ProgramSpec& spec) {
    StartError error;
    const StdioFiles files(spec, error);
    if (!files.opened()) throw_start_error(error);
    bp::child child = launch(spec, files, error);
    if (error.code) throw_start_error(error);
    child.wait();
    return Result{child.exit_code(), text_of(spec.out, files.out()), text_of(spec.err, files.err())};
}

struct Program::Child {
    explicit Child(bp::child started) : process(std::move(started)) {}
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    // bp::child's own destructor sends SIGKILL but reaps without waiting: the program stays a zombie.
    ~Child() {
        std::error_code ignored;
        if (!process.running(ignored)) return;
        ::kill(process.id(), SIGKILL);
        process.wait(ignored);
    }

    bp::child process;
};

Program::Program() = default;

Program::Program(const ProgramSpec& spec) {
    StartError error;
    bp::child process = start_in_background(spec, error);
    if (error.code) throw_start_error(error);
    child_ = std::make_unique<Child>(std::move(process));
}

Program::Program(const ProgramSpec& spec, std::error_code& failed) {
    StartError error;
    bp::child process = start_in_background(spec, error);
    failed = error.code;
    if (!failed) child_ = std::make_unique<Child>(std::move(process));
}

Program::Program(Program&&) noexcept = default;
Program& Program::operator=(Program&&) noexcept = default;
Program::~Program() = default;

Program::Child& Program::held() const {
    if (!child_) throw std::logic_error("lab::e2e::Program: no program was started");
    return *child_;
}

pid_t Program::pid() const { return held().process.id(); }

bool Program::running() { return child_ && child_->process.running(); }

int Program::wait() {
    held().process.wait();
    return exit_code();
}

bool Program::wait_for(std::chrono::milliseconds limit) { return held().process.wait_for(limit); }

int Program::exit_code() const { return held().process.exit_code(); }

std::filesystem::path find_program(const std::string& name) { return bp::search_path(name).string(); }

}  // namespace lab::e2e
