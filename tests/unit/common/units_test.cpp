#include "common/errno_name.hpp"
#include "common/units.hpp"

#include <cerrno>

#include <gtest/gtest.h>

using namespace std::chrono_literals;

namespace {

lab::Duration duration_ok(std::string_view text) {
    auto p = lab::parse_duration(text);
    EXPECT_FALSE(lab::failed(p)) << text;
    return lab::failed(p) ? lab::Duration{} : std::get<lab::Duration>(p);
}

std::string duration_error(std::string_view text) {
    auto p = lab::parse_duration(text);
    EXPECT_TRUE(lab::failed(p)) << text;
    return lab::failed(p) ? std::get<lab::ParseError>(p).message : "";
}

TEST(Duration, ParsesEveryUnit) {
    EXPECT_EQ(duration_ok("250ms"), 250ms);
    EXPECT_EQ(duration_ok("1.5s"), 1500ms);
    EXPECT_EQ(duration_ok("2m"), 120s);
    EXPECT_EQ(duration_ok("40us"), 40us);
    EXPECT_EQ(duration_ok("7ns"), 7ns);
    EXPECT_EQ(duration_ok("1h"), 3600s);
    EXPECT_EQ(duration_ok("0s"), 0s);
}

TEST(Duration, RejectsMissingOrUnknownUnits) {
    EXPECT_NE(duration_error("5").find("has no unit"), std::string::npos);
    EXPECT_NE(duration_error("5 parsecs").find("unknown unit 'parsecs'"), std::string::npos);
    EXPECT_NE(duration_error("-1s").find("is not a duration"), std::string::npos);
    EXPECT_NE(duration_error("").find("is not a duration"), std::string::npos);
    EXPECT_NE(duration_error("s").find("is not a duration"), std::string::npos);
}

TEST(Duration, FormatsShortestExactSpelling) {
    EXPECT_EQ(lab::format_duration(1500ms), "1.5s");
    EXPECT_EQ(lab::format_duration(250ms), "250ms");
    EXPECT_EQ(lab::format_duration(3s), "3s");
    EXPECT_EQ(lab::format_duration(40us), "40us");
    EXPECT_EQ(lab::format_duration(0s), "0s");
    EXPECT_DOUBLE_EQ(lab::to_seconds(1500ms), 1.5);
}

TEST(Size, ParsesDecimalAndBinaryUnits) {
    auto ok = [](std::string_view t) {
        auto p = lab::parse_size(t);
        EXPECT_FALSE(lab::failed(p)) << t;
        return lab::failed(p) ? 0 : std::get<std::uint64_t>(p);
    };
    EXPECT_EQ(ok("1500"), 1500u);
    EXPECT_EQ(ok("1k"), 1000u);
    EXPECT_EQ(ok("64KiB"), 65536u);
    EXPECT_EQ(ok("1.5MiB"), 1572864u);
    EXPECT_EQ(ok("2G"), 2000000000u);
    EXPECT_TRUE(lab::failed(lab::parse_size("1.5")));
    EXPECT_TRUE(lab::failed(lab::parse_size("3 furlongs")));
}

TEST(ErrnoName, RoundTripsAndFallsBack) {
    EXPECT_EQ(lab::errno_name(ECONNRESET), "ECONNRESET");
    EXPECT_EQ(lab::errno_name(EMFILE), "EMFILE");
    EXPECT_EQ(lab::errno_from_name("ETIMEDOUT"), ETIMEDOUT);
    EXPECT_FALSE(lab::errno_from_name("ENOTHING").has_value());
    EXPECT_EQ(lab::errno_name(4000), "E4000");
}

}  // namespace
