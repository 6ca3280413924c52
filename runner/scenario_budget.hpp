#pragma once
// What one run of a scenario holds at once (network namespaces, and descriptors in the lab process)
// against what this process and the kernel allow, so that a scenario too big for the machine is refused at
// validation, with the numbers, instead of failing half-built: 10 000 hosts used to create 9 995
// namespaces in 17 s and then fail with "libnl: Unspecific failure", which was EMFILE.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <toml++/toml.h>

namespace lab::runner {

// A scenario file larger than this is refused before it is parsed.
inline constexpr std::size_t kMaxScenarioFileBytes = 16 << 20;

struct Scenario;

// Each namespace costs the lab process one descriptor for the whole run (the Netns that keeps it open),
// and one more while the lab is built (its rtnetlink socket, opened once per namespace and closed when
// the topology stands). Links, veths, bridges and the programs started in a run cost none: interfaces
// are kernel objects, a program's descriptors are its own, and its output files are closed once it runs.
inline constexpr std::size_t kDescriptorsPerNamespace = 2;
// stdin, stdout, stderr and what the lab opens one at a time (sysctl and /proc files, sock_diag sockets,
// a program's output files while it starts). `prlimit --nofile=N lab run` measured 4 beyond the
// namespaces' 2 each (the smallest N that runs 21 hosts and a switch is 48; 61 hosts, 128): 32 leaves room.
inline constexpr std::size_t kDescriptorsOfLab = 32;

struct ResourceNeeds {
    std::size_t namespaces = 0;   // one per host, and the switch's when a link is switched or shaped
    std::size_t descriptors = 0;  // the most the lab process holds at once, while it builds the lab
};

ResourceNeeds resource_needs(const Scenario& scenario);

struct ResourceLimits {
    std::uint64_t descriptors = 0;             // RLIMIT_NOFILE (the soft limit: what opens fail beyond)
    std::optional<std::uint64_t> namespaces;   // /proc/sys/user/max_net_namespaces, on kernels that have it
};

// This process's limits as they are now: `lab` raises its descriptor limit first thing
// (sys::raise_descriptor_limit), so this is the most it can have.
ResourceLimits current_resource_limits();

// What a sweep may ask of validation. `lab sweep` (--dry-run too) and `lab validate` parse the file once
// per cell, every check of a scenario applied to the cell's own values, so the work grows as the cells
// times the scenario's size, and so does what `lab sweep` holds while it runs them: 10 000 cells of a
// 1000-host file took 10 to 13 s to validate, and `--dry-run` 12 to 28 s and 2 GB when it kept every cell.
// The bounds are in cells × size, refused at [sweep] with the numbers before any cell is parsed.
inline constexpr std::size_t kMaxSweepCells = 10'000;
// A value costs 0.4 to 0.6 µs per cell to check (2-core Xeon, bench/sweep/validation-RESULTS.md), so a
// sweep at the bound validates in 4 to 6 s. The shipped scenarios have 170 to 660 values, connscale-1m
// 2133: a grid of 10 000 cells over any of them passes, over connscale-1m one of up to 4688.
inline constexpr std::uint64_t kMaxSweepValuesChecked = 10'000'000;
// A string is copied and searched for ${sweep.…} in every cell, and each parsed cell keeps its own: a
// 1 MB argument in 10 000 cells would be 10 GB. The shipped scenarios hold 2 to 7 KB of keys and strings
// (connscale-1m 14 KB: 9794 cells).
inline constexpr std::uint64_t kMaxSweepTextChecked = 128ULL << 20;

// How big a scenario file is for the work of parsing it: every table, array, key = value and array item
// counts one value (the document itself none), and its text is the bytes of its keys and strings.
struct ScenarioSize {
    std::uint64_t values = 0;
    std::uint64_t text_bytes = 0;
};

ScenarioSize scenario_size(const toml::table& root);

// Why a sweep of `cells` cells of a scenario of this size may not be validated (the numbers, each bound
// and what to do), or nullopt when it may.
std::optional<std::string> sweep_budget_problem(std::size_t cells, const ScenarioSize& size);

}  // namespace lab::runner
