#include "lab/agents/accept_policy.hpp"

#include <gtest/gtest.h>

using namespace std::chrono_literals;
using lab::agent::AcceptPolicy;

namespace {

TEST(AcceptPolicy, ParsesTheThreePolicies) {
    auto never = lab::agent::parse_accept_policy("never");
    ASSERT_FALSE(lab::failed(never));
    EXPECT_EQ(std::get<AcceptPolicy>(never).kind, AcceptPolicy::Kind::Never);

    auto always = lab::agent::parse_accept_policy("always");
    ASSERT_FALSE(lab::failed(always));
    EXPECT_EQ(std::get<AcceptPolicy>(always).kind, AcceptPolicy::Kind::Always);

    auto after = lab::agent::parse_accept_policy("after:1.5s");
    ASSERT_FALSE(lab::failed(after));
    EXPECT_EQ(std::get<AcceptPolicy>(after).kind, AcceptPolicy::Kind::After);
    EXPECT_EQ(std::get<AcceptPolicy>(after).delay, 1500ms);
    EXPECT_EQ(std::get<AcceptPolicy>(after).text(), "after:1.5s");
}

TEST(AcceptPolicy, RejectsUnknownPoliciesAndBadDelays) {
    auto unknown = lab::agent::parse_accept_policy("sometimes");
    ASSERT_TRUE(lab::failed(unknown));
    EXPECT_EQ(std::get<lab::ParseError>(unknown).message,
              "unknown accept policy 'sometimes' (expected never, always, after:DURATION, rate:N/s or burst:N/DURATION)");

    auto bare = lab::agent::parse_accept_policy("after:5");
    ASSERT_TRUE(lab::failed(bare));
    EXPECT_EQ(std::get<lab::ParseError>(bare).message,
              "accept policy 'after:5': duration '5' has no unit (use ns, us, ms, s, m or h)");

    EXPECT_TRUE(lab::failed(lab::agent::parse_accept_policy("Always")));
    EXPECT_TRUE(lab::failed(lab::agent::parse_accept_policy("after")));
}

}  // namespace
