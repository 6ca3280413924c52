#include "analysis/kernel_version.hpp"

#include <gtest/gtest.h>

namespace lab::analysis {
namespace {

KernelVersion version(std::string_view release) {
    auto v = parse_kernel_version(release);
    EXPECT_FALSE(failed(v)) << release;
    return failed(v) ? KernelVersion{} : std::get<KernelVersion>(v);
}

bool admits(std::string_view condition, std::string_view release) {
    auto c = parse_kernel_condition(condition);
    EXPECT_FALSE(failed(c)) << condition << ": " << std::get<ParseError>(c).message;
    return !failed(c) && std::get<KernelCondition>(c).admits(version(release));
}

std::string condition_error(std::string_view condition) {
    auto c = parse_kernel_condition(condition);
    return failed(c) ? std::get<ParseError>(c).message : "(parsed)";
}

TEST(KernelVersion, TakesTheNumericDottedPrefix) {
    EXPECT_EQ(version("6.18.44-fc-v669").parts, (std::vector<int>{6, 18, 44}));
    EXPECT_EQ(version("5.10.0-21-amd64").parts, (std::vector<int>{5, 10, 0}));
    EXPECT_EQ(version("4.4.0+").parts, (std::vector<int>{4, 4, 0}));
    EXPECT_EQ(version("3.10").parts, (std::vector<int>{3, 10}));
    EXPECT_EQ(version("6").parts, (std::vector<int>{6}));
    EXPECT_EQ(to_string(version("6.18.44-fc-v669")), "6.18.44");
}

TEST(KernelVersion, RejectsReleasesWithoutANumber) {
    EXPECT_TRUE(failed(parse_kernel_version("")));
    EXPECT_TRUE(failed(parse_kernel_version("linux-6.1")));
    EXPECT_EQ(std::get<ParseError>(parse_kernel_version("abc")).message,
              "kernel release 'abc' does not start with a version number");
}

TEST(KernelVersion, ComparesNumericallyWithMissingPartsAsZero) {
    EXPECT_LT(compare(version("4.9"), version("4.10")), 0);  // not a string compare
    EXPECT_GT(compare(version("6.18.44"), version("5.0")), 0);
    EXPECT_EQ(compare(version("4.4"), version("4.4.0")), 0);
    EXPECT_LT(compare(version("4.4"), version("4.4.1")), 0);
    EXPECT_GT(compare(version("10.0"), version("9.99.99")), 0);
}

TEST(KernelCondition, EachOperator) {
    EXPECT_TRUE(admits(">=4.4", "4.4.0-generic"));
    EXPECT_TRUE(admits(">=4.4", "6.18.44-fc-v669"));
    EXPECT_FALSE(admits(">=4.4", "4.3.99"));
    EXPECT_TRUE(admits(">4.4", "4.4.1"));
    EXPECT_FALSE(admits(">4.4", "4.4"));
    EXPECT_TRUE(admits("<5.0", "4.19.300"));
    EXPECT_FALSE(admits("<5.0", "5.0.0"));
    EXPECT_FALSE(admits("<5.0", "6.18.44-fc-v669"));
    EXPECT_TRUE(admits("<=5.0", "5.0"));
    EXPECT_FALSE(admits("<=5.0", "5.0.1"));
}

TEST(KernelCondition, EqualityMeansTheSeries) {
    EXPECT_TRUE(admits("=4.4", "4.4.302"));
    EXPECT_TRUE(admits("==4.4", "4.4"));
    EXPECT_FALSE(admits("=4.4", "4.40.1"));
    EXPECT_FALSE(admits("=4.4.1", "4.4"));
    EXPECT_TRUE(admits("!=4.4", "4.5.0"));
    EXPECT_FALSE(admits("!=4.4", "4.4.7"));
}

TEST(KernelCondition, CommaMeansAnd) {
    EXPECT_TRUE(admits(">=3.10,<6.0", "5.15.0-91-generic"));
    EXPECT_FALSE(admits(">=3.10,<6.0", "6.18.44-fc-v669"));
    EXPECT_FALSE(admits(">=3.10,<6.0", "3.9"));
    EXPECT_TRUE(admits(" >= 3.10 , < 6.0 ", "3.10.0"));  // spaces are allowed around the parts
    auto c = parse_kernel_condition(">=3.10,<6.0,!=4.4");
    ASSERT_FALSE(failed(c));
    EXPECT_EQ(std::get<KernelCondition>(c).clauses.size(), 3u);
}

TEST(KernelCondition, MalformedTextIsAnErrorNotACrash) {
    EXPECT_EQ(condition_error(""), "the kernel condition is empty");
    EXPECT_EQ(condition_error("   "), "the kernel condition is empty");
    EXPECT_EQ(condition_error("4.4"), "'4.4' needs a comparison first (>=, >, <=, <, =, !=)");
    EXPECT_EQ(condition_error(">="), "'>=': a version starts with a number");
    EXPECT_EQ(condition_error(">=4."), "'>=4.': a number is missing after '4.'");
    EXPECT_EQ(condition_error(">=4.x"), "'>=4.x': unexpected '.x' after the version");
    EXPECT_EQ(condition_error(">=4.4-rc1"), "'>=4.4-rc1': unexpected '-rc1' after the version");
    EXPECT_EQ(condition_error(">=4.4,"), "'>=4.4,' has an empty clause between commas");
    EXPECT_EQ(condition_error(",<5"), "',<5' has an empty clause between commas");
    EXPECT_EQ(condition_error("=>4.4"), "'=>4.4': a version starts with a number");
    EXPECT_EQ(condition_error(">=99999999999"), "'>=99999999999': '99999999999' is too large for a version number");
    EXPECT_EQ(condition_error("~4.4"), "'~4.4' needs a comparison first (>=, >, <=, <, =, !=)");
}

}  // namespace
}  // namespace lab::analysis
