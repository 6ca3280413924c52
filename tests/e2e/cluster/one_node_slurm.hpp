#pragma once
// A Slurm cluster of one node, this machine, for the length of a test: munged, slurmctld and slurmd from
// Debian's packages, started as root in the foreground as children of the test (this VM has no systemd),
// with their own key, state, spool and log directories under a scratch directory and TCP ports nobody
// listens on. Nothing of the host's Slurm or munge is used or touched. The destructor cancels what is
// still queued, stops the three daemons by their PIDs (SIGTERM, then SIGKILL) and removes the directory,
// whether the test passed or not. SLURM_CONF points sbatch, squeue and lab's children at it meanwhile.
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tests/e2e/support/program.hpp"

namespace lab::test {

class OneNodeSlurm {
public:
    // The programs the cluster needs that are not installed, e.g. {"slurmctld (package slurmctld)"}.
    static std::vector<std::string> missing_programs();

    // Starts the daemons and waits until the node is idle; throws std::runtime_error with the daemons'
    // logs when it does not come up within `startup`.
    explicit OneNodeSlurm(std::filesystem::path scratch, std::chrono::seconds startup = std::chrono::seconds(30));
    OneNodeSlurm(const OneNodeSlurm&) = delete;
    OneNodeSlurm& operator=(const OneNodeSlurm&) = delete;
    ~OneNodeSlurm();

    const std::filesystem::path& config() const { return config_; }
    const std::string& node() const { return node_; }
    int cpus() const { return cpus_; }
    // The last lines of each daemon's log, for a failure message.
    std::string logs() const;

private:
    void start(const std::string& name, const std::vector<std::string>& argv);
    void stop_all();
    bool node_idle() const;

    std::filesystem::path dir_;
    std::filesystem::path config_;
    std::string node_;
    int cpus_ = 1;
    std::optional<std::string> previous_slurm_conf_;
    std::vector<std::pair<std::string, lab::e2e::Program>> daemons_;  // in start order
};

}  // namespace lab::test
