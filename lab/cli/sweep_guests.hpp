#pragma once
// The cells of a sweep whose `kernel` is "vm:PKG" (runner/sweep_kernel.hpp): one qemu guest per package,
// booted once, runs `lab sweep` on the same file with the same grid, order, seed and shard — it computes
// the same job list and plays only its kernel's part — into SWEEP/vm-PKG/. Their records sit under the
// sweep's directory beside the host's, so the sweep's tables hold every kernel.
#include <atomic>
#include <string>
#include <vector>

#include "sys/directory.hpp"

namespace lab::cli {

struct GuestSweep {
    std::string package;                     // as the cells write it (an image or a metapackage)
    std::string scenario_file;               // host path
    std::vector<std::string> sweep_options;  // --repeat, --var, --set, --order, --seed, --impairments, --shard
    std::vector<std::string> run_names;      // <cell id>-<repeat> of this kernel's runs
    double time_limit_seconds = 0;           // the sum of those runs' time limits
};

struct GuestSweepOutcome {
    std::string release;   // the guest's kernel release; empty when it never booted
    int recorded = 0;      // runs with a record
    int failed = 0;        // runs with a failed expectation
    int errors = 0;        // runs that errored, plus runs without a record
    std::string problem;   // why the guest did not complete, empty when it did
    bool skipped = false;  // --resume: every run had a record already
};

// Boots the guest (replacing a vm-PKG/ that a stopped sweep left incomplete), waits for it and counts what
// it recorded. Never throws for a guest that fails: the outcome says why.
GuestSweepOutcome run_guest_sweep(const GuestSweep& sweep, const sys::Directory& sweep_dir,
                                  const std::atomic<int>& interrupt);

// The guest's directory under the sweep: vm-PKG.
std::string guest_sweep_directory(const std::string& package);

}  // namespace lab::cli
