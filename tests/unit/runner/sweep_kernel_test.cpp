// The kernel as a sweep variable: which values say where a cell runs, and who may run it.
#include "runner/sweep_kernel.hpp"

#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lab::runner {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;

record::SweepValue value(const std::string& name, const std::string& text) { return {name, text, std::nullopt}; }

TEST(SweepKernel, HostAndDebianImagePackagesAreKernels) {
    EXPECT_EQ(kernel_value_problem("host"), std::nullopt);
    EXPECT_EQ(kernel_value_problem("vm:linux-image-6.1.0-57-amd64"), std::nullopt);
    EXPECT_EQ(kernel_value_problem("vm:linux-image-6.12.117+deb12-amd64"), std::nullopt);
    EXPECT_EQ(kernel_value_problem("vm:linux-image-6.12-amd64"), std::nullopt);
}

TEST(SweepKernel, OtherValuesSayWhatAKernelIs) {
    EXPECT_THAT(kernel_value_problem("6.1"), Optional(HasSubstr("write \"host\"")));
    EXPECT_THAT(kernel_value_problem("Host"), Optional(HasSubstr("'Host' is no kernel")));
    EXPECT_THAT(kernel_value_problem("vm:"), Optional(HasSubstr("not a Debian package name")));
    EXPECT_THAT(kernel_value_problem("vm:../../etc"), Optional(HasSubstr("not a Debian package name")));
    EXPECT_THAT(kernel_value_problem("vm:Linux-Image"), Optional(HasSubstr("not a Debian package name")));
    EXPECT_THAT(kernel_value_problem("vm:linux-image-6.1 -amd64"), Optional(HasSubstr("not a Debian package name")));
    EXPECT_THAT(kernel_value_problem("vm:busybox"), Optional(HasSubstr("a guest kernel is a linux-image-* package")));
}

TEST(SweepKernel, ACellIsPlacedByItsKernelValue) {
    EXPECT_TRUE(kernel_placement({value("backlog", "30")}).on_host());
    EXPECT_TRUE(kernel_placement({value("kernel", "host"), value("backlog", "30")}).on_host());
    const KernelPlacement p = kernel_placement({value("backlog", "30"), value("kernel", "vm:linux-image-6.1.0-57-amd64")});
    EXPECT_FALSE(p.on_host());
    EXPECT_EQ(p.package, "linux-image-6.1.0-57-amd64");
}

TEST(SweepKernel, AHostRunsHostCellsAndAGuestOnlyItsOwnPackage) {
    const KernelPlacement host{}, six_one{"linux-image-6.1.0-57-amd64"}, six_twelve{"linux-image-6.12-amd64"};
    EXPECT_TRUE(runs_here(host, std::nullopt));
    EXPECT_FALSE(runs_here(six_one, std::nullopt));
    EXPECT_FALSE(runs_here(host, std::string("linux-image-6.1.0-57-amd64")));
    EXPECT_TRUE(runs_here(six_one, std::string("linux-image-6.1.0-57-amd64")));
    EXPECT_FALSE(runs_here(six_twelve, std::string("linux-image-6.1.0-57-amd64")));
}

TEST(SweepKernel, TheGuestPackageComesFromTheEnvironment) {
    ::unsetenv(kGuestKernelEnvironment);
    EXPECT_EQ(guest_kernel_package(), std::nullopt);
    ::setenv(kGuestKernelEnvironment, "linux-image-6.1.0-57-amd64", 1);
    EXPECT_EQ(guest_kernel_package(), "linux-image-6.1.0-57-amd64");
    ::setenv(kGuestKernelEnvironment, "", 1);
    EXPECT_EQ(guest_kernel_package(), std::nullopt);
    ::unsetenv(kGuestKernelEnvironment);
}

}  // namespace
}  // namespace lab::runner
