// What `lab doctor` says a batch task lacks: root, CAP_NET_ADMIN, CAP_SYS_ADMIN.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "lab/cluster/task_privileges.hpp"
#include "tests/unit/cluster/fake_environment.hpp"

namespace lab::cluster {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr std::uint64_t kFullCapabilities = 0x000001ffffffffff;
constexpr std::uint64_t kDockerDefault = 0x00000000a80425fb;  // a root container that is not privileged

TEST(TaskPrivileges, ReadsCapEffFromProcStatus) {
    const std::string status = "Name:\tlab\nUid:\t0\t0\t0\t0\nCapInh:\t0000000000000000\nCapPrm:\t000001ffffffffff\n"
                               "CapEff:\t00000000a80425fb\nCapBnd:\t000001ffffffffff\n";
    EXPECT_EQ(effective_capabilities(status), kDockerDefault);
    EXPECT_EQ(effective_capabilities("Name:\tlab\n"), std::nullopt);
}

TEST(TaskPrivileges, RootWithEveryCapabilityLacksNothing) { EXPECT_EQ(missing_task_privileges({0, kFullCapabilities}), ""); }

TEST(TaskPrivileges, AnUnprivilegedRootContainerLacksBothCapabilities) {
    const std::string why = missing_task_privileges({0, kDockerDefault});
    EXPECT_THAT(why, HasSubstr("CAP_NET_ADMIN is not effective, CAP_SYS_ADMIN is not effective"));
    EXPECT_THAT(why, Not(HasSubstr("not root")));
    EXPECT_THAT(why, HasSubstr("privileged container"));
}

TEST(TaskPrivileges, AJobOfTheSubmittingUserIsNotRoot) {
    const std::string why = missing_task_privileges({1000, 0});
    EXPECT_THAT(why, HasSubstr("uid 1000 is not root, CAP_NET_ADMIN is not effective, CAP_SYS_ADMIN is not effective"));
    EXPECT_THAT(why, HasSubstr("Slurm, submit as root"));
}

TEST(TaskPrivileges, NamesTheBatchTask) {
    EXPECT_EQ(batch_task_name(test::environment_of({})), std::nullopt);
    EXPECT_EQ(batch_task_name(test::environment_of({{"SLURM_JOB_ID", "41"}})), "Slurm job 41");
    EXPECT_EQ(batch_task_name(test::environment_of({{"SLURM_JOB_ID", "43"}, {"SLURM_ARRAY_JOB_ID", "41"}, {"SLURM_ARRAY_TASK_ID", "2"}})),
              "Slurm job 43 (array job 41, task 2)");
    EXPECT_EQ(batch_task_name(test::environment_of({{"JOB_COMPLETION_INDEX", "1"}, {"KUBERNETES_SERVICE_HOST", "10.0.0.1"}})),
              "Kubernetes Indexed Job (completion index 1)");
    EXPECT_EQ(batch_task_name(test::environment_of({{"KUBERNETES_SERVICE_HOST", "10.0.0.1"}})), "Kubernetes pod");
}

}  // namespace
}  // namespace lab::cluster
