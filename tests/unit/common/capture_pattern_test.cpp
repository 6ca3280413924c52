#include "common/capture_pattern.hpp"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace lab {
namespace {

using ::testing::HasSubstr;

CapturePattern compiled(const std::string& pattern) {
    auto p = CapturePattern::compile(pattern);
    if (auto* e = std::get_if<ParseError>(&p)) ADD_FAILURE() << pattern << ": " << e->message;
    return std::get<CapturePattern>(std::move(p));
}

std::string problem_of(const std::string& pattern) {
    auto p = CapturePattern::compile(pattern);
    auto* e = std::get_if<ParseError>(&p);
    return e ? e->message : "";
}

TEST(CapturePattern, ReadsTheNumberOfAbsFailedRequestsLine) {
    const CapturePattern p = compiled(R"(^Failed requests:\s+(\d+))");
    const CapturedNumber c = p.search("Failed requests:        17");
    EXPECT_TRUE(c.matched);
    ASSERT_TRUE(c.number);
    EXPECT_EQ(*c.number, 17);
    EXPECT_EQ(c.text, "17");
    EXPECT_FALSE(p.search("Complete requests:      1000").matched);
}

TEST(CapturePattern, TakesSignsDecimalsAndExponents) {
    const CapturePattern p = compiled(R"(v=(\S+))");
    EXPECT_EQ(p.search("v=-3").number, -3.0);
    EXPECT_EQ(p.search("v=+4").number, 4.0);
    EXPECT_EQ(p.search("v=0.25 ms").number, 0.25);
    EXPECT_EQ(p.search("v=1e6").number, 1e6);
}

TEST(CapturePattern, AGroupThatIsNotANumberMatchesWithoutANumber) {
    const CapturePattern p = compiled(R"(state=(\w+))");
    const CapturedNumber c = p.search("state=ok");
    EXPECT_TRUE(c.matched);
    EXPECT_FALSE(c.number);
    EXPECT_EQ(c.text, "ok");
    EXPECT_FALSE(compiled(R"(x=(\d*))").search("x=").number) << "an empty group is no number";
}

TEST(CapturePattern, RefusesPatternsThatDoNotCompile) {
    EXPECT_THAT(problem_of("connect_ok=(\\d+"), HasSubstr("does not compile"));
    EXPECT_THAT(problem_of("[z-a](1)"), HasSubstr("does not compile"));
}

TEST(CapturePattern, RefusesAnythingButExactlyOneCaptureGroup) {
    EXPECT_EQ(problem_of(R"(connect_ok=\d+)"),
              "needs exactly one capture group, (...), around the number; it has 0 (write (?:...) for a group that "
              "captures nothing)");
    EXPECT_THAT(problem_of(R"((ok|err)=(\d+))"), HasSubstr("it has 2"));
    EXPECT_EQ(problem_of(R"((?:ok|err)=(\d+))"), "") << "a non-capturing group does not count";
}

TEST(CapturePattern, RefusesPatternsTooCostlyToCompile) {
    EXPECT_THAT(problem_of("(a{1000}){1000}"), HasSubstr("repeats too much"));
    EXPECT_THAT(problem_of("(\\d{1,99999999999999999999})"), HasSubstr("repeats too much"));
    EXPECT_EQ(problem_of("(\\d{1,5}) x{3}"), "");
    EXPECT_EQ(problem_of("\\{(\\d+)\\}"), "") << "escaped braces are text";
    EXPECT_THAT(problem_of("(" + std::string(2000, 'a') + ")"), HasSubstr("at most 1024"));
}

TEST(CapturePattern, SearchesOnlyTheFirstKilobytesOfAVeryLongLine) {
    const CapturePattern p = compiled(R"(n=(\d+))");
    std::string line(CapturePattern::kLineBytes - 4, 'x');
    EXPECT_EQ(p.search(line + "n=12" + std::string(1 << 20, 'y')).number, 12.0);
    EXPECT_FALSE(p.search(line + "xxxxn=12").matched) << "past the first " << CapturePattern::kLineBytes << " bytes";
}

}  // namespace
}  // namespace lab
