// The small value parsers the agents' options share: rates, datagram costs, reuseport spreads,
// source address lists.
#include <netinet/in.h>

#include <gtest/gtest.h>

#include "lab/agents/accept_policy.hpp"
#include "lab/agents/datagram_cost.hpp"
#include "lab/agents/rate.hpp"
#include "lab/agents/reuseport_cbpf.hpp"
#include "lab/agents/source_addresses.hpp"

using namespace std::chrono_literals;
using lab::agent::DatagramCost;
using lab::agent::Rate;
using lab::agent::ReuseportSpread;

namespace {

template <typename T>
std::string error_of(const lab::Parsed<T>& parsed) {
    return lab::failed(parsed) ? std::get<lab::ParseError>(parsed).message : "(no error)";
}

TEST(Rate, ParsesUnitsAndRefusesBareNumbers) {
    EXPECT_DOUBLE_EQ(std::get<Rate>(lab::agent::parse_rate("2000/s")).per_second, 2000);
    EXPECT_DOUBLE_EQ(std::get<Rate>(lab::agent::parse_rate("30/m")).per_second, 0.5);
    EXPECT_DOUBLE_EQ(std::get<Rate>(lab::agent::parse_rate("2/ms")).per_second, 2000);
    EXPECT_DOUBLE_EQ(std::get<Rate>(lab::agent::parse_rate("1.5/s")).per_second, 1.5);
    EXPECT_EQ(std::get<Rate>(lab::agent::parse_rate("2000/s")).interval(), 500us);
    EXPECT_EQ(std::get<Rate>(lab::agent::parse_rate("2000/s")).text(), "2000/s");
    EXPECT_EQ(error_of(lab::agent::parse_rate("100")), "rate '100' has no unit (expected e.g. \"2000/s\", \"30/m\")");
    EXPECT_EQ(error_of(lab::agent::parse_rate("x/s")), "rate 'x/s': 'x' is not a number");
    EXPECT_EQ(error_of(lab::agent::parse_rate("5/d")), "rate '5/d' has unknown unit 'd' (use /ms, /s, /m or /h)");
    EXPECT_EQ(error_of(lab::agent::parse_rate("0/s")), "rate '0/s' is out of range (1/h to 10000000/s)");
}

TEST(AcceptPolicyRateAndBurst, ParseAndPrint) {
    auto rate = lab::agent::parse_accept_policy("rate:50/s");
    ASSERT_FALSE(lab::failed(rate));
    EXPECT_EQ(std::get<lab::agent::AcceptPolicy>(rate).kind, lab::agent::AcceptPolicy::Kind::Rate);
    EXPECT_EQ(std::get<lab::agent::AcceptPolicy>(rate).text(), "rate:50/s");
    auto burst = lab::agent::parse_accept_policy("burst:10/500ms");
    ASSERT_FALSE(lab::failed(burst));
    EXPECT_EQ(std::get<lab::agent::AcceptPolicy>(burst).burst, 10);
    EXPECT_EQ(std::get<lab::agent::AcceptPolicy>(burst).every, 500ms);
    EXPECT_EQ(std::get<lab::agent::AcceptPolicy>(burst).text(), "burst:10/500ms");
    EXPECT_EQ(error_of(lab::agent::parse_accept_policy("rate:50")),
              "accept policy 'rate:50': rate '50' has no unit (expected e.g. \"2000/s\", \"30/m\")");
    EXPECT_EQ(error_of(lab::agent::parse_accept_policy("burst:10")),
              "accept policy 'burst:10': expected burst:N/DURATION, e.g. burst:10/1s");
    EXPECT_EQ(error_of(lab::agent::parse_accept_policy("burst:0/1s")),
              "accept policy 'burst:0/1s': '0' is not a whole number of at least 1");
    EXPECT_EQ(error_of(lab::agent::parse_accept_policy("burst:3/0s")),
              "accept policy 'burst:3/0s': the burst period must be longer than 0");
}

TEST(DatagramCost, SleepIsTheDefaultBusyIsAskedFor) {
    auto plain = std::get<DatagramCost>(lab::agent::parse_datagram_cost("5ms"));
    EXPECT_EQ(plain.kind, DatagramCost::Kind::Sleep);
    EXPECT_EQ(plain.length, 5ms);
    EXPECT_EQ(plain.text(), "sleep:5ms");
    auto busy = std::get<DatagramCost>(lab::agent::parse_datagram_cost("busy:200us"));
    EXPECT_EQ(busy.kind, DatagramCost::Kind::Busy);
    EXPECT_EQ(busy.length, 200us);
    EXPECT_EQ(std::get<DatagramCost>(lab::agent::parse_datagram_cost("sleep:1ms")).kind, DatagramCost::Kind::Sleep);
    EXPECT_EQ(error_of(lab::agent::parse_datagram_cost("spin:1ms")),
              "cost 'spin:1ms': 'spin:1ms' is not a duration (expected e.g. \"250ms\", \"1.5s\") (expected DURATION, "
              "sleep:DURATION or busy:DURATION)");
}

TEST(ReuseportSpread, RandomOrCpuWithOptionalGroupSize) {
    auto random = std::get<ReuseportSpread>(lab::agent::parse_reuseport_spread("random"));
    EXPECT_EQ(random.kind, ReuseportSpread::Kind::Random);
    EXPECT_EQ(random.modulus, 0);
    auto cpu = std::get<ReuseportSpread>(lab::agent::parse_reuseport_spread("cpu:4"));
    EXPECT_EQ(cpu.kind, ReuseportSpread::Kind::Cpu);
    EXPECT_EQ(cpu.modulus, 4);
    EXPECT_EQ(cpu.text(), "cpu:4");
    EXPECT_EQ(error_of(lab::agent::parse_reuseport_spread("hash")),
              "unknown spread 'hash' (expected random, cpu, random:N or cpu:N)");
    EXPECT_EQ(error_of(lab::agent::parse_reuseport_spread("random:0")),
              "spread 'random:0': the group size must be a whole number from 1 to 65536");
}

TEST(SourceAddresses, SingleListAndRange) {
    auto one = std::get<std::vector<lab::agent::Endpoint>>(lab::agent::parse_source_addresses("198.18.0.2"));
    ASSERT_EQ(one.size(), 1u);
    auto range = std::get<std::vector<lab::agent::Endpoint>>(lab::agent::parse_source_addresses("198.18.0.254-198.18.1.1"));
    ASSERT_EQ(range.size(), 4u) << "ranges cross octet boundaries";
    EXPECT_EQ(range[1].text(), "198.18.0.255:0");
    EXPECT_EQ(range[2].text(), "198.18.1.0:0");
    auto v6 = std::get<std::vector<lab::agent::Endpoint>>(lab::agent::parse_source_addresses("::1,[fd00::2]"));
    ASSERT_EQ(v6.size(), 2u);
    EXPECT_EQ(v6[1].family(), AF_INET6);
    EXPECT_EQ(error_of(lab::agent::parse_source_addresses("::1-::5")),
              "range '::1-::5': ranges are IPv4 only (list IPv6 addresses with ',')");
    EXPECT_EQ(error_of(lab::agent::parse_source_addresses("198.18.0.1,,198.18.0.2")),
              "'198.18.0.1,,198.18.0.2' has an empty address (two ',' in a row?)");
    EXPECT_EQ(error_of(lab::agent::parse_source_addresses("198.18.0.1,::1")), "'198.18.0.1,::1' mixes IPv4 and IPv6 addresses");
    EXPECT_EQ(error_of(lab::agent::parse_source_addresses("10.0.0.0-10.1.0.0")),
              "range '10.0.0.0-10.1.0.0' holds more than 65536 addresses");
    EXPECT_EQ(error_of(lab::agent::parse_source_addresses("host-a")),
              "'host' is not an IPv4 or IPv6 address literal (names are not resolved)");
}

}  // namespace
