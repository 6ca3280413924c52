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

// The two patterns of the security report (issue 25, items 4 and 5). libstdc++'s std::regex, which
// judged output before RE2, recursed once per character per nested group on the first (SIGSEGV on a
// 4000-character line) and backtracked exponentially on the second (2^170 ways to split 170 a's).
std::string nested_alternations(int depth) {
    std::string open, close;
    for (int i = 0; i < depth; ++i) {
        open += "(?:";
        close += "|b)";
    }
    return open + "a" + close;
}

TEST(CapturePattern, AHundredAndFiftyNestedAlternationsOverA4000CharacterLineNeitherCrashNorRecurse) {
    const CapturePattern whole = compiled("^(" + nested_alternations(150) + "+)");
    const CapturedNumber c = whole.search(std::string(4000, 'a'));
    EXPECT_TRUE(c.matched);
    EXPECT_EQ(c.text.size(), 4000u);
    EXPECT_FALSE(c.number);

    const CapturePattern number = compiled("^(?:" + nested_alternations(150) + ")+=(\\d+)$");
    EXPECT_EQ(number.search(std::string(3996, 'a') + "=123").number, 123.0);
    EXPECT_FALSE(number.search(std::string(3996, 'a') + "=12x").matched);
}

TEST(CapturePattern, NestedQuantifiersOverALineOf170AsAnswerAtOnce) {
    const CapturePattern p = compiled("^(?:a+)+(b)");
    EXPECT_FALSE(p.search(std::string(170, 'a')).matched);
    EXPECT_FALSE(p.search(std::string(100000, 'a')).matched);
    const CapturedNumber c = p.search(std::string(170, 'a') + "b");
    EXPECT_TRUE(c.matched);
    EXPECT_EQ(c.text, "b");
}

TEST(CapturePattern, RefusesBackreferencesAndLookaroundThatRe2DoesNotTake) {
    EXPECT_THAT(problem_of(R"((\d)\1)"), HasSubstr("does not compile: invalid escape sequence: \\1"));
    EXPECT_THAT(problem_of(R"((\d)\1)"), HasSubstr("no backreferences"));
    EXPECT_THAT(problem_of(R"((?=x)(\d+))"), HasSubstr("does not compile: invalid perl operator: (?="));
    EXPECT_THAT(problem_of(R"((?<!-)(\d+))"), HasSubstr("no backreferences or lookaround"));
}

TEST(CapturePattern, RefusesPatternsTooCostlyToCompileOrToRun) {
    EXPECT_THAT(problem_of("(a{1000}){1000}"), HasSubstr("does not compile: invalid repetition size: {1000}"));
    EXPECT_THAT(problem_of("(a{1000}){1000}"), HasSubstr("at most 1000"));
    EXPECT_THAT(problem_of("(\\d{1001})"), HasSubstr("invalid repetition size: {1001}"));
    EXPECT_EQ(problem_of("(\\d{1,5}) x{3}"), "");
    EXPECT_EQ(problem_of("\\{(\\d+)\\}"), "") << "escaped braces are text";
    EXPECT_THAT(problem_of("(" + std::string(2000, 'a') + ")"), HasSubstr("at most 1024"));
    // Each step of the matcher may advance every instruction at once: their number bounds the work per byte.
    EXPECT_THAT(problem_of("(.{300})"), HasSubstr("compiles to 606 RE2 instructions; at most 500"));
    EXPECT_THAT(problem_of("([ab]*a[ab]{499})"), HasSubstr("instructions; at most 500"));
    EXPECT_EQ(problem_of("([ab]*a[ab]{400})"), "");
    // 140 counts of 1000 side by side: RE2 stops compiling at its memory bound, long before 140 000 instructions.
    std::string counted;
    for (int i = 0; i < 140; ++i) counted += std::string(1, static_cast<char>('a' + i % 26)) + "{1000}";
    EXPECT_EQ(problem_of("(" + counted + ")"), "needs more than 1024 KiB to compile; write it smaller");
    EXPECT_EQ(problem_of(R"((\pL+)=(?:\d+))"), "") << "a Unicode class is small in byte mode";
}

TEST(CapturePattern, MatchesBytesAsTheyWerePrinted) {
    // Latin-1 mode: a line that is not UTF-8 is read as it is, and non-ASCII text in the pattern matches
    // its own bytes.
    EXPECT_EQ(compiled(R"(count=(\d+))").search("\xff\xfe count=5").number, 5.0);
    EXPECT_EQ(compiled(R"(rtt=(\d+) µs)").search("rtt=42 µs").number, 42.0);
    EXPECT_EQ(compiled(R"(^..(\d+))").search("\xc2\xb5""7").number, 7.0) << "'.' is one byte";
}

TEST(CapturePattern, ReadsAVeryLongLineWhole) {
    const CapturePattern p = compiled(R"(n=(\d+))");
    EXPECT_EQ(p.search(std::string(1 << 20, 'x') + "n=12").number, 12.0);
    EXPECT_FALSE(p.search(std::string(1 << 20, 'x')).matched);
}

}  // namespace
}  // namespace lab
