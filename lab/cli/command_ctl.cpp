// lab ctl: talk to a scenario while it runs (runner/control_socket.hpp): how many sockets its hosts hold,
// where its timeline is, stop one of its programs now, or have a lab-client --ping start or close
// connections (connscale's connections_start(N) / connections_stop(N)).
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lab/cli/commands.hpp"
#include "lab/cli/privileges.hpp"
#include "lab/cli/sudo_caller.hpp"
#include "runner/control_socket.hpp"
#include "runner/run_owner.hpp"
#include "runner/run_state.hpp"

namespace lab::cli {
namespace {

struct CtlArgs {
    std::string run;
    std::vector<std::string> request;
};

// A run id, or the run's directory (lab run --out DIR writes DIR/SCENARIO/STAMP-ID).
std::string run_id_of(const std::string& run) {
    const std::string name = std::filesystem::path(run).filename().string().empty()
                                 ? std::filesystem::path(run).parent_path().filename().string()
                                 : std::filesystem::path(run).filename().string();
    const auto dash = name.rfind('-');
    const std::string id = dash == std::string::npos ? name : name.substr(dash + 1);
    const bool hex = id.size() == runner::kRunIdDigits &&
                     id.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!hex) throw std::invalid_argument(fmt::format("'{}' names no run: give its id (6 hex digits, as in "
                                                      "lab-3f2a01-server) or its directory (…/20261201-054159-3f2a01)",
                                                      run));
    return id;
}

int list_live_runs() {
    std::vector<std::string> ids;
    for (const auto& name : runner::control_socket_directory().entries())
        if (name.size() > 5 && name.ends_with(".sock")) ids.push_back(name.substr(0, name.size() - 5));
    int live = 0;
    for (const auto& id : ids) {
        if (!runner::live_run_owner(id)) continue;  // a crashed run's socket: lab clean removes it
        try {
            const std::string status = runner::send_control_request(id, "status", std::chrono::seconds(2));
            fmt::print("{}", status.substr(0, status.find('\n') + 1));
            ++live;
        } catch (const std::exception& e) {
            fmt::print("run {}: no answer ({})\n", id, e.what());
        }
    }
    if (live == 0) fmt::print("no run is going on\n");
    return kExitPass;
}

int ctl(const CtlArgs& args) {
    if (!require_root("lab ctl")) return kExitError;
    if (args.run.empty()) return list_live_runs();
    // A run's marker does not say who started it: under sudo no run may be stopped or changed from here.
    if (!allowed_under_sudo("lab ctl RUN REQUEST", "a run may be root's or another user's")) return kExitError;
    const std::string id = run_id_of(args.run);
    const std::string request = fmt::format("{}", fmt::join(args.request, " "));
    std::string reply;
    try {
        reply = runner::send_control_request(id, request);
    } catch (const std::system_error& e) {
        if (e.code().value() == ENOENT || e.code().value() == ECONNREFUSED) {
            fmt::print(stderr, "lab ctl: no run {} is going on ({} {})\n", id, runner::control_socket_path(id),
                       e.code().value() == ENOENT ? "does not exist" : "refuses connections: its run ended");
            return kExitError;
        }
        throw;
    }
    const bool refused = reply.rfind("error: ", 0) == 0;
    fmt::print(refused ? stderr : stdout, "{}{}", refused ? "lab ctl: " : "", reply);
    if (!reply.empty() && reply.back() != '\n') fmt::print(refused ? stderr : stdout, "\n");
    return refused ? kExitError : kExitPass;
}

}  // namespace

Command add_ctl(CLI::App& app) {
    auto args = std::make_shared<CtlArgs>();
    CLI::App* sub = app.add_subcommand(
        "ctl", "Talk to a running scenario: its timeline and processes (status), its hosts' sockets counted (count), "
               "stop one of its programs now (stop NAME), or have a lab-client --ping start N more connections or "
               "close N (start NAME N, stop NAME N; NAME.K: copy K only). Without a run: the runs going on");
    sub->add_option("run", args->run, "the run's id (6 hex digits) or its directory");
    sub->add_option("request", args->request, "status (the default), count, stop PROCESS, stop PROCESS[.COPY] N, or start PROCESS[.COPY] N");
    sub->footer("Exit status: 0 answered; 2 the run refused the request, or no such run is going on. Needs root.");
    return [args] { return ctl(*args); };
}

}  // namespace lab::cli
