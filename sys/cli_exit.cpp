#include "sys/cli_exit.hpp"

#include <cstdio>
#include <sstream>

#include <CLI/CLI.hpp>

namespace lab::sys {

CliExit usage_error(const std::string& message) { return CliExit{exit_usage, message + "\nRun with --help for more information.\n"}; }

CliExit cli_exit_from(const CLI::App& app, const CLI::Error& error) {
    std::ostringstream out, err;
    int code = app.exit(error, out, err);
    if (code != 0) return CliExit{exit_usage, err.str()};
    return CliExit{0, out.str()};
}

int report_cli_exit(const CliExit& exit) {
    std::fputs(exit.message.c_str(), exit.to_stdout() ? stdout : stderr);
    return exit.code;
}

}  // namespace lab::sys
