#include "lab/wire/wire_options.hpp"

#include <CLI/CLI.hpp>

namespace lab::wire {
namespace {

constexpr const char* description =
    "lab-wire: a user-space L2 link between two interfaces, with netem-like impairments per direction.\n"
    "SPEC is e.g. \"delay=25ms,jitter=1ms:normal,loss=1%,duplicate=1%,reorder=5%,corrupt=0.1%,\n"
    "rate=10mbit,limit=1000\", \"loss=gemodel:P:R:1-H:1-K\" or \"blackhole\".\n"
    "Writes JSON lines on stdout (start, control, stats, summary). Exit codes: 0 stopped by\n"
    "SIGTERM/SIGINT, 1 runtime error, 2 usage error.";

}  // namespace

std::variant<WireOptions, sys::CliExit> parse_wire_options(int argc, const char* const* argv) {
    CLI::App app{description, "lab-wire"};
    WireOptions options;
    std::string a2b_text, b2a_text, stats_text;
    std::optional<std::uint64_t> seed;
    app.add_option("--a", options.a, "interface of end A")->required();
    app.add_option("--b", options.b, "interface of end B")->required();
    app.add_option("--a2b", a2b_text, "impairments of frames from A to B (SPEC)");
    app.add_option("--b2a", b2a_text, "impairments of frames from B to A (SPEC)");
    app.add_option("--control", options.control, "unix datagram socket path for run-time changes (JSON)");
    app.add_option("--seed", seed, "random seed (default: random, printed in the start line)");
    app.add_option("--stats-interval", stats_text, "write a stats line per direction this often, e.g. 1s");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return sys::cli_exit_from(app, e);
    }
    if (options.a == options.b) return sys::usage_error("--b: must differ from --a");
    auto a2b = shaping::parse_impairment(a2b_text);
    if (failed(a2b)) return sys::usage_error("--a2b: " + std::get<ParseError>(a2b).message);
    options.a2b = std::get<shaping::Impairment>(a2b);
    auto b2a = shaping::parse_impairment(b2a_text);
    if (failed(b2a)) return sys::usage_error("--b2a: " + std::get<ParseError>(b2a).message);
    options.b2a = std::get<shaping::Impairment>(b2a);
    if (seed) {
        options.seed = *seed;
        options.seed_given = true;
    }
    if (!stats_text.empty()) {
        auto d = parse_duration(stats_text);
        if (failed(d)) return sys::usage_error("--stats-interval: " + std::get<ParseError>(d).message);
        if (std::get<Duration>(d) < std::chrono::milliseconds(1)) return sys::usage_error("--stats-interval: must be at least 1ms");
        options.stats_interval = std::get<Duration>(d);
    }
    return options;
}

}  // namespace lab::wire
