#pragma once
// How option parsing ends when the program must not run: --help (exit 0, text on stdout) or a
// usage error (exit 2, text on stderr). Parsing returns this instead of exiting so that tests can
// look at the code and the message.
#include <string>

namespace CLI {
class App;
class Error;
}  // namespace CLI

namespace lab::sys {

inline constexpr int exit_usage = 2;

struct CliExit {
    int code = exit_usage;
    std::string message;

    bool to_stdout() const { return code == 0; }
};

CliExit usage_error(const std::string& message);

// CLI11 has its own exit codes per error kind; the agents promise 2 for every usage error.
CliExit cli_exit_from(const CLI::App& app, const CLI::Error& error);

// Prints the message where it belongs and returns the code, for main().
int report_cli_exit(const CliExit& exit);

}  // namespace lab::sys
