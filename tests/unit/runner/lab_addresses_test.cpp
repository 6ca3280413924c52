#include "runner/lab_addresses.hpp"

#include <gtest/gtest.h>

namespace {

using namespace lab::runner;

TEST(LabAddresses, AcceptsOnlyTheBenchmarkingRange) {
    EXPECT_FALSE(lab_cidr_problem("198.18.0.0/24"));
    EXPECT_FALSE(lab_cidr_problem("198.19.255.0/24"));
    EXPECT_TRUE(lab_cidr_problem("198.20.0.0/24"));
    EXPECT_TRUE(lab_cidr_problem("10.0.0.0/24"));
    EXPECT_TRUE(lab_cidr_problem("192.168.1.0/24"));
    EXPECT_TRUE(lab_cidr_problem("198.18.0.0/8"));
    EXPECT_TRUE(lab_cidr_problem("198.18.0.0"));
    EXPECT_TRUE(lab_cidr_problem("198.18.0.0/33"));
}

TEST(LabAddresses, AssignsFreeSubnetsAroundFixedOnes) {
    auto nets = assign_subnets({"", "198.18.0.0/24", "", "198.18.2.128/25"});
    ASSERT_EQ(nets.size(), 4u);
    EXPECT_EQ(nets[0].str(), "198.18.1.0/24");
    EXPECT_EQ(nets[1].str(), "198.18.0.0/24");
    EXPECT_EQ(nets[2].str(), "198.18.3.0/24");
    EXPECT_EQ(nets[3].str(), "198.18.2.128/25");
    EXPECT_EQ(nets[3].host_count(), 126u);
}

TEST(LabAddresses, OverlappingFixedSubnetsAreRejected) {
    EXPECT_THROW(assign_subnets({"198.18.0.0/16", "198.18.4.0/24"}), std::runtime_error);
}

TEST(LabAddresses, RangeHasRoomFor512Links) {
    EXPECT_NO_THROW(assign_subnets(std::vector<std::string>(512)));
    EXPECT_THROW(assign_subnets(std::vector<std::string>(513)), std::runtime_error);
}

}  // namespace
