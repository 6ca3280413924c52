#include "shaping/impairment.hpp"

#include <gtest/gtest.h>

namespace {

using namespace lab::shaping;
using namespace std::chrono_literals;

Impairment parsed(std::string_view text) {
    auto p = parse_impairment(text);
    EXPECT_FALSE(lab::failed(p)) << (lab::failed(p) ? std::get<lab::ParseError>(p).message : "");
    return lab::failed(p) ? Impairment{} : std::get<Impairment>(p);
}

std::string error_of(std::string_view text) {
    auto p = parse_impairment(text);
    EXPECT_TRUE(lab::failed(p)) << "accepted: " << text;
    return lab::failed(p) ? std::get<lab::ParseError>(p).message : "";
}

TEST(Impairment, ParsesTheBriefsExample) {
    Impairment m = parsed("delay=25ms,jitter=1ms:normal,loss=1%,rate=10mbit,limit=1000");
    EXPECT_EQ(m.delay, 25ms);
    EXPECT_EQ(m.jitter, 1ms);
    EXPECT_EQ(m.distribution, JitterDistribution::Normal);
    EXPECT_DOUBLE_EQ(m.loss, 0.01);
    EXPECT_EQ(m.rate_bps, 10'000'000u);
    EXPECT_EQ(m.limit, 1000u);
    EXPECT_FALSE(m.blackhole);
}

TEST(Impairment, EmptyAndNoneAreACleanLink) {
    EXPECT_EQ(parsed(""), Impairment{});
    EXPECT_EQ(parsed("none"), Impairment{});
    EXPECT_EQ(format_impairment(Impairment{}), "none");
}

TEST(Impairment, ParsesEveryItem) {
    Impairment m = parsed(" delay=1.5ms , jitter=200us:pareto, duplicate=0.5%, reorder=25%, corrupt=0.1%, rate=1gbit, limit=50, blackhole");
    EXPECT_EQ(m.delay, 1500us);
    EXPECT_EQ(m.jitter, 200us);
    EXPECT_EQ(m.distribution, JitterDistribution::Pareto);
    EXPECT_DOUBLE_EQ(m.duplicate, 0.005);
    EXPECT_DOUBLE_EQ(m.reorder, 0.25);
    EXPECT_DOUBLE_EQ(m.corrupt, 0.001);
    EXPECT_EQ(m.rate_bps, 1'000'000'000u);
    EXPECT_EQ(m.limit, 50u);
    EXPECT_TRUE(m.blackhole);
    EXPECT_FALSE(parsed("blackhole=off").blackhole);
    EXPECT_TRUE(parsed("blackhole=true").blackhole);
    EXPECT_EQ(parsed("jitter=1ms").distribution, JitterDistribution::Uniform);
}

TEST(Impairment, ParsesGilbertElliottWithNetemDefaults) {
    Impairment full = parsed("loss=gemodel:1%:30%:90%:0.5%");
    ASSERT_TRUE(full.gemodel.has_value());
    EXPECT_DOUBLE_EQ(full.gemodel->p, 0.01);
    EXPECT_DOUBLE_EQ(full.gemodel->r, 0.30);
    EXPECT_DOUBLE_EQ(full.gemodel->one_minus_h, 0.90);
    EXPECT_DOUBLE_EQ(full.gemodel->one_minus_k, 0.005);
    Impairment only_p = parsed("loss=gemodel:2%");
    ASSERT_TRUE(only_p.gemodel.has_value());
    EXPECT_DOUBLE_EQ(only_p.gemodel->r, 0.98);
    EXPECT_DOUBLE_EQ(only_p.gemodel->one_minus_h, 1.0);
    EXPECT_DOUBLE_EQ(only_p.gemodel->one_minus_k, 0.0);
}

TEST(Impairment, ParsesRates) {
    EXPECT_EQ(std::get<std::uint64_t>(parse_rate("1mbit")), 1'000'000u);
    EXPECT_EQ(std::get<std::uint64_t>(parse_rate("2.5Gbit")), 2'500'000'000u);
    EXPECT_EQ(std::get<std::uint64_t>(parse_rate("64kbit")), 64'000u);
    EXPECT_EQ(std::get<std::uint64_t>(parse_rate("9600bit")), 9600u);
    EXPECT_TRUE(lab::failed(parse_rate("10mbps")));
    EXPECT_TRUE(lab::failed(parse_rate("10")));
    EXPECT_EQ(format_rate(10'000'000), "10mbit");
    EXPECT_EQ(format_rate(1'500'000'000), "1.5gbit");
}

TEST(Impairment, ErrorsNameTheBadItem) {
    EXPECT_NE(error_of("delay=25ms,loss=120%").find("loss=120%"), std::string::npos);
    EXPECT_NE(error_of("delay=25").find("delay=25"), std::string::npos);
    EXPECT_NE(error_of("jitter=1ms:gauss").find("gauss"), std::string::npos);
    EXPECT_NE(error_of("rate=10mbps").find("rate=10mbps"), std::string::npos);
    EXPECT_NE(error_of("limit=0").find("limit=0"), std::string::npos);
    EXPECT_NE(error_of("limit=1.5").find("limit"), std::string::npos);
    EXPECT_NE(error_of("lag=5ms").find("lag=5ms"), std::string::npos);
    EXPECT_NE(error_of("delay=1ms,delay=2ms").find("delay"), std::string::npos);
    EXPECT_NE(error_of("delay=1ms,,loss=1%").find("empty"), std::string::npos);
    EXPECT_NE(error_of("loss=1").find("loss=1"), std::string::npos);
    EXPECT_NE(error_of("blackhole=maybe").find("blackhole"), std::string::npos);
    EXPECT_NE(error_of("loss=gemodel").find("gemodel"), std::string::npos);
    EXPECT_NE(error_of("delay=").find("delay"), std::string::npos);
}

TEST(Impairment, ReorderNeedsDelay) {
    EXPECT_NE(error_of("reorder=10%").find("reorder"), std::string::npos);
    EXPECT_DOUBLE_EQ(parsed("delay=10ms,reorder=10%").reorder, 0.10);
}

TEST(Impairment, ParsesOntoABase) {
    Impairment base = parsed("delay=10ms,loss=5%");
    auto p = parse_impairment_onto(base, "loss=1%");
    ASSERT_FALSE(lab::failed(p));
    EXPECT_EQ(std::get<Impairment>(p).delay, 10ms);
    EXPECT_DOUBLE_EQ(std::get<Impairment>(p).loss, 0.01);
}

TEST(Impairment, FormatRoundTrips) {
    for (const char* text : {"delay=25ms,jitter=1ms:normal,loss=1%,rate=10mbit",
                             "delay=200ms,duplicate=0.5%,reorder=25%,corrupt=0.1%,limit=5000,blackhole=on",
                             "loss=gemodel:1%:30%:90%:0.5%", "rate=1.5gbit", "delay=1.5ms,jitter=10us:pareto"}) {
        Impairment m = parsed(text);
        EXPECT_EQ(format_impairment(m), text);
        EXPECT_EQ(parsed(format_impairment(m)), m) << text;
    }
}

TEST(Impairment, ValidateChecksStructsBuiltElsewhere) {
    Impairment m;
    EXPECT_FALSE(validate_impairment(m).has_value());
    m.loss = 1.5;
    EXPECT_TRUE(validate_impairment(m).has_value());
    m.loss = 0;
    m.limit = 0;
    EXPECT_TRUE(validate_impairment(m).has_value());
}

}  // namespace
