#include "tests/e2e/support/program_run.hpp"

namespace lab::e2e {

Result run_program(const std::filesystem::path& scratch, const std::string& exe, const std::vector<std::string>& args,
                   const RunOptions& options) {
    return run_to_end({.exe = exe,
                       .args = args,
                       .cwd = options.cwd,
                       .env = options.env,
                       .out = Output::to_file(scratch / "program.stdout"),
                       .err = Output::to_file(scratch / "program.stderr")});
}

}  // namespace lab::e2e
