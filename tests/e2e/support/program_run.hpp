#pragma once
// How an end-to-end test runs a program (the lab binary, ip, a generator) and reads what it printed: to its
// end, stdin from /dev/null, stdout and stderr through files in a directory of the test's own.
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "tests/e2e/support/file_text.hpp"
#include "tests/e2e/support/program.hpp"

namespace lab::e2e {

struct RunOptions {
    std::filesystem::path cwd;                                // "": the test's own
    std::vector<std::pair<std::string, std::string>> env;     // set over the test's environment
};

// `exe ARGS...` to its end; its streams pass through `scratch`/program.stdout and .stderr.
Result run_program(const std::filesystem::path& scratch, const std::string& exe, const std::vector<std::string>& args,
                   const RunOptions& options = {});

}  // namespace lab::e2e
