// The sbatch scripts of `lab sweep submit --slurm`, compared with golden files: what a user reads and edits.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "lab/cluster/shell_quoted.hpp"
#include "lab/cluster/slurm_scripts.hpp"

namespace lab::cluster {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// LAB_UPDATE_GOLDEN=1 rewrites the file after a deliberate change (read the diff first).
void expect_golden(const std::string& actual, const std::string& name) {
    const std::string path = std::string(LAB_SOURCE_DIR) + "/tests/unit/cluster/golden/" + name;
    if (const char* update = std::getenv("LAB_UPDATE_GOLDEN"); update && std::string(update) == "1") {
        std::ofstream(path, std::ios::binary) << actual;
        GTEST_SKIP() << "rewrote " << path;
    }
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << path << " does not exist; LAB_UPDATE_GOLDEN=1 writes it";
    std::stringstream expected;
    expected << in.rdbuf();
    EXPECT_EQ(actual, expected.str()) << "differs from " << path;
}

SlurmSweep backlog_sweep() {
    SlurmSweep s;
    s.lab = "/opt/lab/bin/lab";
    s.scenario = "/shared/lab/scenarios/sweeps/backlog-vs-retries.toml";
    s.out = "/shared/runs/backlog-vs-retries";
    s.label = "backlog-vs-retries";
    s.lab_version = "0.1.0";
    s.cells = 56;
    s.repeats = 3;
    s.tasks = 8;
    s.max_parallel = 4;
    s.jobs = 2;
    s.partition = "netlab";
    s.sweep_options = {"--repeat", "3", "--var", "backlog=1,30", "--order", "shuffled", "--seed", "42"};
    return s;
}

TEST(SlurmScripts, ArrayScriptMatchesGolden) { expect_golden(shard_array_script(backlog_sweep()), "sweep.sbatch"); }

TEST(SlurmScripts, MergeScriptMatchesGolden) { expect_golden(merge_job_script(backlog_sweep()), "merge.sbatch"); }

TEST(SlurmScripts, NoPartitionNoLimitAndQuotedPaths) {
    SlurmSweep s = backlog_sweep();
    s.partition.clear();
    s.max_parallel = 0;
    s.out = "/shared/my runs";
    s.label = "it's a sweep";
    const std::string array = shard_array_script(s);
    EXPECT_THAT(array, HasSubstr("#SBATCH --array=0-7\n"));
    EXPECT_THAT(array, Not(HasSubstr("--partition")));
    EXPECT_THAT(array, HasSubstr("shard_dir='/shared/my runs'/shard-$SLURM_ARRAY_TASK_ID\n"));
    EXPECT_THAT(array, HasSubstr("#SBATCH --output='/shared/my runs/logs'/shard-%a.out\n"));
    EXPECT_THAT(array, HasSubstr("#SBATCH --job-name=lab-sweep-it_s_a_sweep\n"));
    EXPECT_THAT(merge_job_script(s), HasSubstr("exec /opt/lab/bin/lab sweep merge '/shared/my runs'\n"));
}

TEST(ShellQuoted, QuotesOnlyWhatNeedsIt) {
    EXPECT_EQ(shell_quoted("/srv/lab/x.toml"), "/srv/lab/x.toml");
    EXPECT_EQ(shell_quoted("backlog=1,30"), "backlog=1,30");
    EXPECT_EQ(shell_quoted("a b"), "'a b'");
    EXPECT_EQ(shell_quoted("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_quoted("$HOME"), "'$HOME'");
    EXPECT_EQ(shell_quoted(""), "''");
}

}  // namespace
}  // namespace lab::cluster
