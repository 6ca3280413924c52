#pragma once
// How an end-to-end test starts a program (lab, ip, setpriv, chromium, a Slurm daemon): a plain
// description, then either a run to its end or a child the test holds while it runs. Boost.Process does
// the work in program.cpp alone: its headers cost seconds of compile in every file that includes them.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace lab::e2e {

// Where a program's stdout or stderr goes.
struct Output {
    enum class Kind { discarded, file, captured };
    Kind kind = Kind::discarded;
    std::filesystem::path file{};  // Kind::file: emptied, or made, when the program starts

    static Output discarded() { return {}; }
    static Output to_file(std::filesystem::path file) { return {Kind::file, std::move(file)}; }
    // Kept in an unnamed file and returned by run_to_end.
    static Output captured() { return {Kind::captured, {}}; }
};

// A program to start. Its stdin is /dev/null. (The {} let designated initializers leave members out
// without -Wmissing-field-initializers.)
struct ProgramSpec {
    std::filesystem::path exe{};  // started as given: no PATH search
    std::vector<std::string> args{};
    std::filesystem::path cwd{};                             // "": the test's own
    std::vector<std::string> unset_env{};                    // removed from the test's environment ...
    std::vector<std::pair<std::string, std::string>> env{};  // ... then these set over it
    Output out{};
    Output err{};
    // SIGTERM to the program when the thread that started it ends (PR_SET_PDEATHSIG): a test killed by a
    // ctest timeout runs no destructor.
    bool die_with_test = false;
};

struct Result {
    int exit_code = -1;  // its exit status, or the number of the signal that ended it
    std::string out;     // what it wrote, read back from its file or captured; "" when discarded
    std::string err;
};

// Runs the program to its end. Throws std::system_error naming the program, or the output file, when it
// cannot be started.
Result run_to_end(const ProgramSpec& spec);

// A program running beside the test. One still running when destroyed (or assigned over) is killed with
// SIGKILL and reaped, so nothing outlives its test. Its output goes to a file or nowhere.
class Program {
public:
    Program();  // none yet: one is assigned later
    explicit Program(const ProgramSpec& spec);  // throws as run_to_end does
    Program(const ProgramSpec& spec, std::error_code& failed);
    Program(Program&&) noexcept;
    Program& operator=(Program&&) noexcept;
    ~Program();

    bool running();  // false when it holds none
    // These throw std::logic_error when it holds none: kill() of the pid -1 would signal every process.
    pid_t pid() const;
    int wait();  // its exit code
    bool wait_for(std::chrono::milliseconds limit);  // whether it ended within `limit`
    int exit_code() const;

private:
    struct Child;
    Child& held() const;

    std::unique_ptr<Child> child_;
};

// The executable `name` in the test's PATH, or "" when there is none.
std::filesystem::path find_program(const std::string& name);

}  // namespace lab::e2e
