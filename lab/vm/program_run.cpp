#include "lab/vm/program_run.hpp"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include <fmt/format.h>

#include "sys/directory.hpp"

namespace fs = std::filesystem;

namespace lab::vm {
namespace {

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

}  // namespace

sys::Process start_program(const ProgramSpec& spec) {
    if (spec.argv.empty()) throw std::invalid_argument("start_program: empty argv");
    sys::ProcessSpec p;
    p.executable = sys::find_executable(spec.argv.front());
    p.argv = spec.argv;
    p.working_dir = spec.working_dir;
    sys::UniqueFd out;
    if (!spec.output_path.empty()) {
        const fs::path path = fs::absolute(spec.output_path);
        out = sys::Directory::open_or_create(path.parent_path()).replace_file(path.filename().string(), 0644);
        p.stdout_fd = out.get();
        p.stderr_fd = out.get();
    }
    return sys::Process::spawn(p);
}

void run_program(const ProgramSpec& spec, std::chrono::seconds timeout, const std::atomic<int>* interrupt) {
    sys::Process p = start_program(spec);
    std::string what;
    for (const auto& a : spec.argv) what += (what.empty() ? "" : " ") + a;
    const sys::WaitOutcome w = p.wait_until(std::chrono::steady_clock::now() + timeout, interrupt);
    if (w == sys::WaitOutcome::Interrupted) throw std::runtime_error(fmt::format("`{}`: interrupted", what));
    if (w == sys::WaitOutcome::DeadlinePassed) {
        p.kill_and_reap();
        throw std::runtime_error(fmt::format("`{}` (pid {}): no end after {} s; killed", what, p.pid(), timeout.count()));
    }
    if (!p.end()->success())
        throw std::runtime_error(fmt::format("`{}`: {}{}", what, p.end()->describe(),
                                             spec.output_path.empty() ? "" : last_lines(spec.output_path, 8)));
}

}  // namespace lab::vm
