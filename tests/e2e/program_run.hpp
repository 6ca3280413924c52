#pragma once
// How an end-to-end test runs a program (the lab binary, ip, a generator) and reads what it printed: to its
// end, stdin from /dev/null, stdout and stderr through files in a directory of the test's own.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <boost/process.hpp>

namespace lab::e2e {

struct Result {
    int exit_code = -1;
    std::string out;
    std::string err;
};

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct RunOptions {
    std::filesystem::path cwd;                                // "": the test's own
    std::vector<std::pair<std::string, std::string>> env;     // set over the test's environment
};

// `exe ARGS...` to its end; its streams pass through `scratch`/program.stdout and .stderr.
inline Result run_program(const std::filesystem::path& scratch, const std::string& exe,
                          const std::vector<std::string>& args, const RunOptions& options = {}) {
    namespace bp = boost::process;
    Result r;
    const std::filesystem::path out = scratch / "program.stdout", err = scratch / "program.stderr";
    std::filesystem::remove(out);  // boost.process appends to a file that exists
    std::filesystem::remove(err);
    bp::environment env = boost::this_process::environment();
    for (const auto& [k, v] : options.env) env[k] = v;
    const std::string cwd = options.cwd.empty() ? std::filesystem::current_path().string() : options.cwd.string();
    r.exit_code = bp::system(bp::exe = exe, bp::args = args, bp::start_dir = cwd, env, bp::std_in < bp::null,
                             bp::std_out > out.string(), bp::std_err > err.string());
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

}  // namespace lab::e2e
