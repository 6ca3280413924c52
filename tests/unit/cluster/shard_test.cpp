// Which shard a task runs: --shard I/N, and the batch engines' variables.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "lab/cluster/shard.hpp"
#include "tests/unit/cluster/fake_environment.hpp"

namespace lab::cluster {
namespace {

using ::testing::HasSubstr;

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(ParseShard, ReadsIndexSlashCount) {
    EXPECT_EQ(parse_shard("0/4"), (Shard{0, 4}));
    EXPECT_EQ(parse_shard("3/4"), (Shard{3, 4}));
    EXPECT_EQ(parse_shard("0/1"), (Shard{0, 1}));
}

TEST(ParseShard, NamesWhatIsWrong) {
    EXPECT_THAT(error_of([] { parse_shard("4/4"); }), HasSubstr("--shard 4/4: shard 4 is not one of 0..3"));
    EXPECT_THAT(error_of([] { parse_shard("2"); }), HasSubstr("--shard 2: write INDEX/COUNT"));
    EXPECT_THAT(error_of([] { parse_shard("a/4"); }), HasSubstr("whole numbers"));
    EXPECT_THAT(error_of([] { parse_shard("1/0"); }), HasSubstr("at least 1"));
    EXPECT_THAT(error_of([] { parse_shard("-1/4"); }), HasSubstr("shard -1 is not one of 0..3"));
}

TEST(ShardFromEnvironment, NoneOutsideABatchEngine) {
    EXPECT_EQ(shard_from_environment(test::environment_of({}), std::nullopt), std::nullopt);
    EXPECT_EQ(shard_from_environment(test::environment_of({{"SLURM_JOB_ID", "12"}}), std::nullopt), std::nullopt);
}

TEST(ShardFromEnvironment, SlurmArrayFromZero) {
    auto s = shard_from_environment(test::environment_of({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_COUNT", "4"}, {"SLURM_ARRAY_TASK_MIN", "0"}}),
                                    std::nullopt);
    EXPECT_EQ(s, (Shard{2, 4}));
}

TEST(ShardFromEnvironment, SlurmArrayFromOneCountsFromItsMinimum) {
    auto s = shard_from_environment(test::environment_of({{"SLURM_ARRAY_TASK_ID", "1"}, {"SLURM_ARRAY_TASK_COUNT", "8"}, {"SLURM_ARRAY_TASK_MIN", "1"}}),
                                    std::nullopt);
    EXPECT_EQ(s, (Shard{0, 8}));
}

TEST(ShardFromEnvironment, SlurmWithShardCountTakesTheTaskIdAsItIs) {
    // `sbatch --array=2 sweep.sbatch`: a task submitted again alone sees MIN=2, COUNT=1.
    auto s = shard_from_environment(test::environment_of({{"SLURM_ARRAY_TASK_ID", "2"}, {"SLURM_ARRAY_TASK_COUNT", "1"}, {"SLURM_ARRAY_TASK_MIN", "2"}}), 4);
    EXPECT_EQ(s, (Shard{2, 4}));
}

TEST(ShardFromEnvironment, SlurmProblemsNameTheVariable) {
    EXPECT_THAT(error_of([] { shard_from_environment(test::environment_of({{"SLURM_ARRAY_TASK_ID", "x"}}), std::nullopt); }),
                HasSubstr("SLURM_ARRAY_TASK_ID=x: not a whole number"));
    EXPECT_THAT(error_of([] { shard_from_environment(test::environment_of({{"SLURM_ARRAY_TASK_ID", "1"}}), std::nullopt); }),
                HasSubstr("SLURM_ARRAY_TASK_COUNT is not"));
    // An array with gaps (--array=0,5): task 5 of a count of 2.
    EXPECT_THAT(error_of([] {
                    shard_from_environment(
                        test::environment_of({{"SLURM_ARRAY_TASK_ID", "5"}, {"SLURM_ARRAY_TASK_COUNT", "2"}, {"SLURM_ARRAY_TASK_MIN", "0"}}), std::nullopt);
                }),
                HasSubstr("shard 5 is not one of 0..1"));
    EXPECT_THAT(error_of([] { shard_from_environment(test::environment_of({{"SLURM_ARRAY_TASK_ID", "4"}}), 4); }),
                HasSubstr("SLURM_ARRAY_TASK_ID=4 with --shard-count 4: shard 4 is not one of 0..3"));
}

TEST(ShardFromEnvironment, KubernetesIndexNeedsTheCount) {
    EXPECT_EQ(shard_from_environment(test::environment_of({{"JOB_COMPLETION_INDEX", "3"}}), 5), (Shard{3, 5}));
    EXPECT_THAT(error_of([] { shard_from_environment(test::environment_of({{"JOB_COMPLETION_INDEX", "3"}}), std::nullopt); }),
                HasSubstr("JOB_COMPLETION_INDEX=3 is set: give --shard-count"));
    EXPECT_THAT(error_of([] { shard_from_environment(test::environment_of({{"JOB_COMPLETION_INDEX", "5"}}), 5); }),
                HasSubstr("shard 5 is not one of 0..4"));
}

TEST(ShardFromEnvironment, SlurmWinsOverKubernetesWhenBothAreSet) {
    auto s = shard_from_environment(test::environment_of({{"SLURM_ARRAY_TASK_ID", "1"}, {"JOB_COMPLETION_INDEX", "0"}}), 2);
    EXPECT_EQ(s, (Shard{1, 2}));
}

TEST(ShardText, SaysIndexAndCount) { EXPECT_EQ(shard_text({1, 4}), "shard 1/4"); }

}  // namespace
}  // namespace lab::cluster
