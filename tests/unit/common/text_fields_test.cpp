#include "common/text_fields.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace {

using ::testing::ElementsAre;

TEST(TextFields, TrimsSpacesAndTabsOnly) {
    EXPECT_EQ(lab::trim(" \tdelay=25ms \t"), "delay=25ms");
    EXPECT_EQ(lab::trim("   "), "");
    EXPECT_EQ(lab::trim("a b"), "a b");
}

TEST(TextFields, SplitKeepsEmptyFieldsAndTrimsEach) {
    EXPECT_THAT(lab::split_trimmed("connect; send:100 ;", ';'), ElementsAre("connect", "send:100", ""));
    EXPECT_THAT(lab::split_trimmed("", ','), ElementsAre(""));
    EXPECT_THAT(lab::split_trimmed("gemodel:1%:30%", ':'), ElementsAre("gemodel", "1%", "30%"));
}

TEST(TextFields, JoinPutsTheSeparatorBetweenPartsOnly) {
    EXPECT_EQ(lab::join({"a", "b", "c"}, "\n"), "a\nb\nc");
    EXPECT_EQ(lab::join({"only"}, ", "), "only");
    EXPECT_EQ(lab::join({}, ", "), "");
    EXPECT_EQ(lab::join({"", ""}, "|"), "|");
}

}  // namespace
