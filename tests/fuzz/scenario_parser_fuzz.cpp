// Feeds the real scenario parser thousands of mutated catalogue files (tests/fuzz/README.md). A file
// fails the run when the parser crashes, trips a sanitizer, leaks, takes longer than the time bound,
// throws anything but ScenarioError, or throws a ScenarioError with a diagnostic that is not
// "FILE:LINE:COLUMN: message". Diagnostics that carry raw control characters are counted, and fail the
// run only with --require-escaped-diagnostics. Every failing file is kept under --keep; the others
// are deleted as soon as they have passed.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <typeinfo>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "runner/scenario_parser.hpp"
#include "tests/fuzz/crash_report.hpp"
#include "tests/fuzz/diagnostic_form.hpp"
#include "tests/fuzz/parse_watchdog.hpp"
#include "tests/fuzz/scenario_mutator.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    std::uint64_t seed = 1;
    std::uint64_t files = 3000;
    std::uint64_t first = 0;
    std::vector<std::string> corpus_dirs;
    std::string keep_dir;
    unsigned time_limit_ms = 2000;
    bool require_escaped_diagnostics = false;
};

std::vector<lab::fuzz::CorpusFile> load_corpus(const std::vector<std::string>& dirs) {
    std::vector<fs::path> paths;
    for (const auto& dir : dirs)
        for (const auto& entry : fs::directory_iterator(dir))
            if (entry.is_regular_file() && entry.path().extension() == ".toml") paths.push_back(entry.path());
    std::sort(paths.begin(), paths.end());  // the corpus order is part of what the seed reproduces
    std::vector<lab::fuzz::CorpusFile> corpus;
    for (const auto& p : paths) {
        std::ifstream in(p, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        corpus.push_back({p.lexically_relative(LAB_SOURCE_DIR).string(), text.str()});
    }
    return corpus;
}

// A diagnostic as this report may print it: control characters shown as \xNN, cut at 200 bytes.
std::string shown(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, 200)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f || c == '\\') ? fmt::format("\\x{:02x}", u) : std::string(1, c);
    }
    return text.size() > 200 ? out + "..." : out;
}

std::string join(const std::vector<std::string_view>& items) {
    std::string out;
    for (auto item : items) out += (out.empty() ? "" : "+") + std::string(item);
    return out;
}

struct Tally {
    std::uint64_t valid = 0;
    std::uint64_t refused = 0;
    std::uint64_t failures = 0;
    std::uint64_t control_character_files = 0;
    std::uint64_t control_character_diagnostics = 0;
    std::vector<std::string> control_character_examples;
    std::map<std::string_view, std::uint64_t> by_mutation;
    Clock::duration slowest{};
    std::string slowest_file;
};

// What one parse showed; empty when the file passed.
std::string judge(const std::string& path, Tally& tally, bool& control_characters) {
    try {
        lab::runner::parse_scenario_file(path);
        ++tally.valid;
        return {};
    } catch (const lab::runner::ScenarioError& e) {
        ++tally.refused;
        if (e.diagnostics().empty()) return "ScenarioError without a diagnostic";
        for (const auto& d : e.diagnostics()) {
            switch (lab::fuzz::classify_diagnostic(d, path)) {
                case lab::fuzz::DiagnosticForm::located: break;
                case lab::fuzz::DiagnosticForm::unlocated:
                    return fmt::format("diagnostic without FILE:LINE:COLUMN: \"{}\"", shown(d));
                case lab::fuzz::DiagnosticForm::control_character:
                    control_characters = true;
                    ++tally.control_character_diagnostics;
                    if (tally.control_character_examples.size() < 5)
                        tally.control_character_examples.push_back(shown(d));
                    break;
            }
        }
        return {};
    } catch (const std::exception& e) {
        return fmt::format("threw {} instead of ScenarioError: {}", typeid(e).name(), shown(e.what()));
    } catch (...) {
        return "threw something that is not a std::exception";
    }
}

int fuzz(const Options& o) {
    std::vector<std::string> dirs = o.corpus_dirs;
    if (dirs.empty())
        dirs = {std::string(LAB_SOURCE_DIR) + "/scenarios", std::string(LAB_SOURCE_DIR) + "/tests/e2e/scenarios"};
    const lab::fuzz::ScenarioMutator mutator(load_corpus(dirs));
    const fs::path keep =
        o.keep_dir.empty() ? fs::path(fmt::format("scenario-parser-fuzz/seed-{}", o.seed)) : fs::path(o.keep_dir);
    fs::create_directories(keep);

    lab::fuzz::install_crash_report();
    lab::fuzz::ParseWatchdog watchdog{std::chrono::milliseconds(o.time_limit_ms)};
    Tally tally;
    const auto began = Clock::now();
    for (std::uint64_t index = o.first; index < o.first + o.files; ++index) {
        const lab::fuzz::Mutant m = mutator.make(o.seed, index);
        const std::string path = (keep / fmt::format("seed-{}-file-{:06}.toml", o.seed, index)).string();
        std::ofstream(path, std::ios::binary) << m.text;
        for (auto name : m.mutations) ++tally.by_mutation[name];

        const std::string what = fmt::format("seed {} file {} ({}: {} with {}; reproduce with --seed {} --first {} "
                                             "--files 1)",
                                             o.seed, index, path, m.base, join(m.mutations), o.seed, index);
        lab::fuzz::set_crash_report(fmt::format("scenario_parser_fuzz: FAIL: the parser crashed on {}\n", what));
        watchdog.start(what);
        const auto t0 = Clock::now();
        bool control_characters = false;
        const std::string failure = judge(path, tally, control_characters);
        const auto took = Clock::now() - t0;
        watchdog.finish();

        if (took > tally.slowest) {
            tally.slowest = took;
            tally.slowest_file = fmt::format("seed {} file {} ({})", o.seed, index, join(m.mutations));
        }
        if (control_characters) ++tally.control_character_files;
        const bool fails = !failure.empty() || (control_characters && o.require_escaped_diagnostics);
        if (fails) {
            ++tally.failures;
            fmt::print(stderr, "scenario_parser_fuzz: FAIL: {}: {}\n", what,
                       failure.empty() ? "a diagnostic holds a raw control character" : failure);
        } else {
            fs::remove(path);
        }
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - began).count();
    if (fs::is_empty(keep)) fs::remove(keep);

    std::string mutations;
    for (const auto& [name, n] : tally.by_mutation) mutations += fmt::format(" {} {}", name, n);
    fmt::print("scenario_parser_fuzz: seed {}, files {}..{}: {} parsed as valid, {} refused with diagnostics, "
               "{} failed; {:.1f} s ({:.2f} ms a file), slowest {:.1f} ms: {}\n",
               o.seed, o.first, o.first + o.files - 1, tally.valid, tally.refused, tally.failures, seconds,
               1000.0 * seconds / static_cast<double>(std::max<std::uint64_t>(o.files, 1)),
               std::chrono::duration<double, std::milli>(tally.slowest).count(), tally.slowest_file);
    fmt::print("scenario_parser_fuzz: mutations applied:{}\n", mutations);
    fmt::print("scenario_parser_fuzz: {} diagnostics in {} files hold a raw control character ({})\n",
               tally.control_character_diagnostics, tally.control_character_files,
               o.require_escaped_diagnostics ? "failures: --require-escaped-diagnostics is on"
                                             : "counted, not failed: --require-escaped-diagnostics is off");
    for (const auto& example : tally.control_character_examples)
        fmt::print("scenario_parser_fuzz:   e.g. {}\n", example);
    if (tally.failures > 0) fmt::print("scenario_parser_fuzz: failing files kept in {}\n", keep.string());
    return tally.failures == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    CLI::App app{"Fuzz the scenario parser with mutated catalogue files (tests/fuzz/README.md)"};
    app.add_option("--seed", o.seed, "Seed of the mutations: the same seed makes the same files")
        ->capture_default_str();
    app.add_option("--files", o.files, "How many files to make and parse")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--first", o.first, "Index of the first file (with --files 1: remake one reported file)")
        ->capture_default_str();
    app.add_option("--corpus", o.corpus_dirs, "Directories of *.toml files to mutate (default: the catalogue)");
    app.add_option("--keep", o.keep_dir, "Where failing files are kept (default: scenario-parser-fuzz/seed-SEED)");
    app.add_option("--time-limit-ms", o.time_limit_ms,
                   "A parse that takes more CPU time fails the run (or ten times as long on the wall clock)")
        ->capture_default_str();
    app.add_flag("--require-escaped-diagnostics", o.require_escaped_diagnostics,
                 "Fail on a diagnostic that holds a raw control character (off until the parser escapes them)");
    CLI11_PARSE(app, argc, argv);
    return fuzz(o);
}
