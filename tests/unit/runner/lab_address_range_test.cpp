// Only the benchmarking range 198.18.0.0/15 is a lab address.
#include <gtest/gtest.h>

#include "runner/address.hpp"

namespace {

TEST(LabAddress, OnlyTheBenchmarkingRange) {
    EXPECT_TRUE(lab::runner::is_lab_address(0xC6120000u));  // 198.18.0.0
    EXPECT_TRUE(lab::runner::is_lab_address(0xC613FFFFu));  // 198.19.255.255
    EXPECT_FALSE(lab::runner::is_lab_address(0xC611FFFFu)); // 198.17.255.255
    EXPECT_FALSE(lab::runner::is_lab_address(0xC6140000u)); // 198.20.0.0
    EXPECT_FALSE(lab::runner::is_lab_address(0x0A000001u)); // 10.0.0.1
}

}  // namespace
