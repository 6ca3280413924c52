#include "lab/agents/accept_gate.hpp"

#include <gtest/gtest.h>

using lab::agent::AcceptGate;
using lab::agent::AcceptPolicy;

namespace {

constexpr std::int64_t ms = 1'000'000;

AcceptPolicy policy(std::string_view text) {
    auto parsed = lab::agent::parse_accept_policy(text);
    EXPECT_FALSE(lab::failed(parsed)) << text;
    return lab::failed(parsed) ? AcceptPolicy{} : std::get<AcceptPolicy>(parsed);
}

TEST(AcceptGate, NeverAlwaysAfter) {
    EXPECT_FALSE(AcceptGate(policy("never"), 1000).next_allowed(5000).has_value());
    EXPECT_EQ(AcceptGate(policy("always"), 1000).next_allowed(5000), 1000);
    EXPECT_EQ(AcceptGate(policy("after:2s"), 1000).next_allowed(5000), 1000 + 2000 * ms);
}

TEST(AcceptGate, RateSpacesAcceptsAndDoesNotBankTokens) {
    AcceptGate gate(policy("rate:10/s"), 0);
    EXPECT_EQ(gate.next_allowed(0), 0);
    gate.take(0);
    EXPECT_EQ(gate.next_allowed(1), 100 * ms);
    gate.take(105 * ms);  // a little late: the schedule holds
    EXPECT_EQ(gate.next_allowed(105 * ms), 200 * ms);
    gate.take(2000 * ms);  // idle for long: no backlog of tokens, the schedule restarts
    EXPECT_EQ(gate.next_allowed(2000 * ms), 2100 * ms);
}

TEST(AcceptGate, BurstAllowsNPerPeriod) {
    AcceptGate gate(policy("burst:2/1s"), 0);
    EXPECT_EQ(gate.next_allowed(10 * ms), 10 * ms);
    gate.take(10 * ms);
    EXPECT_EQ(gate.next_allowed(20 * ms), 20 * ms);
    gate.take(20 * ms);
    EXPECT_EQ(gate.next_allowed(30 * ms), 1000 * ms) << "burst used up: wait for the next period";
    EXPECT_EQ(gate.next_allowed(1500 * ms), 1500 * ms);
    gate.take(1500 * ms);
    gate.take(1600 * ms);
    EXPECT_EQ(gate.next_allowed(1700 * ms), 2000 * ms);
    // Unused accepts of a period do not carry over.
    EXPECT_EQ(gate.next_allowed(5000 * ms), 5000 * ms);
    gate.take(5000 * ms);
    gate.take(5001 * ms);
    EXPECT_EQ(gate.next_allowed(5002 * ms), 6000 * ms);
}

}  // namespace
