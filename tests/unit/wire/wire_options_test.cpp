#include "lab/wire/wire_options.hpp"

#include <gtest/gtest.h>

#include "tests/unit/option_parsing.hpp"

namespace {

using namespace lab::wire;
using namespace lab::shaping;

lab::test::Parsed<WireOptions> parse_wire(std::vector<const char*> args) {
    return lab::test::parse_arguments<WireOptions>(parse_wire_options, "lab-wire", std::move(args));
}

TEST(WireOptions, ParsesEverything) {
    auto p = parse_wire({"--a", "ea", "--b", "eb", "--a2b", "delay=5ms", "--b2a", "loss=1%", "--control", "/tmp/x.sock",
                    "--seed", "9", "--stats-interval", "1s"});
    ASSERT_TRUE(std::holds_alternative<WireOptions>(p));
    const auto& o = std::get<WireOptions>(p);
    EXPECT_EQ(o.a, "ea");
    EXPECT_EQ(o.b2a.loss, 0.01);
    EXPECT_EQ(o.seed, 9u);
    EXPECT_TRUE(o.seed_given);
    EXPECT_EQ(o.stats_interval, std::chrono::seconds(1));
}

TEST(WireOptions, UsageErrorsExitTwoAndNameTheOption) {
    struct Case {
        std::vector<const char*> args;
        const char* names;
    } cases[] = {
        {{"--b", "eb"}, "--a"},
        {{"--a", "ea", "--b", "eb", "--a2b", "delay=5"}, "--a2b"},
        {{"--a", "ea", "--b", "eb", "--b2a", "rate=fast"}, "--b2a"},
        {{"--a", "ea", "--b", "eb", "--stats-interval", "1"}, "--stats-interval"},
        {{"--a", "ea", "--b", "ea"}, "--b"},
        {{"--a", "ea", "--b", "eb", "--seed", "x"}, "--seed"},
    };
    for (const auto& c : cases) {
        auto p = parse_wire(c.args);
        ASSERT_TRUE(std::holds_alternative<lab::sys::CliExit>(p)) << c.names;
        const auto& e = std::get<lab::sys::CliExit>(p);
        EXPECT_EQ(e.code, 2);
        EXPECT_NE(e.message.find(c.names), std::string::npos) << e.message;
    }
}

}  // namespace
