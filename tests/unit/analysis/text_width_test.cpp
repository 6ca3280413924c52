#include "analysis/text_width.hpp"

#include <gtest/gtest.h>

#include "analysis/number_text.hpp"

namespace lab::analysis {
namespace {

TEST(DisplayWidth, CountsColumnsNotBytes) {
    EXPECT_EQ(display_width(""), 0u);
    EXPECT_EQ(display_width("in [20, 40]"), 11u);
    EXPECT_EQ(std::string("≥ 5").size(), 5u);
    EXPECT_EQ(display_width("≥ 5"), 3u);
    EXPECT_EQ(display_width("—"), 1u);
    EXPECT_EQ(display_width("日本"), 4u);           // wide
    EXPECT_EQ(display_width("e\u0301"), 1u);        // e + combining acute
    EXPECT_EQ(display_width("\xff" "ab"), 3u);      // a stray byte still takes a column
    EXPECT_EQ(display_width("\xe2\x89"), 2u);       // a cut sequence: one column per byte
}

TEST(Wrap, BreaksAtSpaces) {
    EXPECT_EQ(wrap("the accept queue holds backlog plus one", 16),
              (std::vector<std::string>{"the accept queue", "holds backlog", "plus one"}));
    EXPECT_EQ(wrap("short", 16), (std::vector<std::string>{"short"}));
    EXPECT_EQ(wrap("", 16), (std::vector<std::string>{""}));
    EXPECT_EQ(wrap("a  b", 16), (std::vector<std::string>{"a b"}));
}

TEST(Wrap, CountsMultibyteCharactersAsColumns) {
    // 5 columns each; as bytes "≥ 5 ≥" would not fit in 5
    EXPECT_EQ(wrap("≥ 5 ≥ 6", 5), (std::vector<std::string>{"≥ 5 ≥", "6"}));
}

TEST(Wrap, SplitsAWordLongerThanALine) {
    EXPECT_EQ(wrap("abcdefghij", 4), (std::vector<std::string>{"abcd", "efgh", "ij"}));
    EXPECT_EQ(wrap("at /var/tmp/lab/runs", 8), (std::vector<std::string>{"at /var/", "tmp/lab/", "runs"}));
    EXPECT_EQ(wrap("日本語", 4), (std::vector<std::string>{"日本", "語"}));
}

TEST(Wrap, KeepsExplicitNewlines) {
    EXPECT_EQ(wrap("one\ntwo", 16), (std::vector<std::string>{"one", "two"}));
}

TEST(PadRight, PadsToColumns) {
    EXPECT_EQ(pad_right("≥ 5", 5), "≥ 5  ");
    EXPECT_EQ(pad_right("toolong", 3), "toolong");
}

TEST(NumberText, IntegralWithoutDecimalsElsePercentG) {
    EXPECT_EQ(number_text(31), "31");
    EXPECT_EQ(number_text(0), "0");
    EXPECT_EQ(number_text(-0.0), "0");
    EXPECT_EQ(number_text(-12), "-12");
    EXPECT_EQ(number_text(4294967296.0), "4294967296");
    EXPECT_EQ(number_text(0.5), "0.5");
    EXPECT_EQ(number_text(1.0 / 3), "0.333333");
    EXPECT_EQ(number_text(1e20), "1e+20");
}

TEST(SecondsText, ScalesWithTheDuration) {
    EXPECT_EQ(seconds_text(4.2317), "4.23s");
    EXPECT_EQ(seconds_text(0), "0.00s");
    EXPECT_EQ(seconds_text(61.26), "61.3s");
    EXPECT_EQ(seconds_text(185), "3m 05s");
    EXPECT_EQ(seconds_text(3725), "1h 02m 05s");
    EXPECT_EQ(seconds_text(-1), "—");
}

}  // namespace
}  // namespace lab::analysis
