#include "lab/wire/shaper.hpp"

#include <cmath>
#include <cstring>
#include <numeric>

#include <gtest/gtest.h>

namespace {

using namespace lab::wire;
using namespace lab::shaping;
using namespace std::chrono_literals;

class FakeClock final : public Clock {
public:
    std::int64_t now_ns() const override { return now; }
    std::int64_t now = 1'000'000'000;
};

Impairment spec(std::string_view text) {
    auto p = parse_impairment(text);
    EXPECT_FALSE(lab::failed(p)) << text;
    return std::get<Impairment>(p);
}

Frame frame(std::uint32_t id, std::uint32_t wire_bytes = 100) {
    Frame f;
    f.bytes.resize(4);
    std::memcpy(f.bytes.data(), &id, 4);
    f.wire_bytes = wire_bytes;
    return f;
}

std::uint32_t id_of(const Departure& d) {
    std::uint32_t id = 0;
    std::memcpy(&id, d.frame.bytes.data(), 4);
    return id;
}

// Everything due up to `until`, stepping the clock to each departure as the data path would.
std::vector<Departure> drain(Shaper& shaper, FakeClock& clock, std::int64_t until) {
    std::vector<Departure> out;
    while (auto due = shaper.next_due()) {
        if (*due > until) break;
        clock.now = std::max(clock.now, *due);
        while (auto d = shaper.pop_due()) {
            shaper.record_sent(*d, clock.now);
            out.push_back(std::move(*d));
        }
    }
    return out;
}

// Half-width of a 99.9% normal-approximation interval for a binomial count.
double binomial_bound(double n, double p) { return 3.3 * std::sqrt(n * p * (1 - p)); }

TEST(Shaper, CleanLinkPassesAtOnceInOrder) {
    FakeClock clock;
    Shaper s(clock, 1);
    for (std::uint32_t i = 0; i < 10; ++i) s.offer(frame(i));
    for (std::uint32_t i = 0; i < 10; ++i) {
        auto d = s.pop_due();
        ASSERT_TRUE(d.has_value());
        EXPECT_EQ(id_of(*d), i);
        EXPECT_EQ(d->due_ns, clock.now);
    }
    EXPECT_FALSE(s.pop_due().has_value());
}

TEST(Shaper, DelayIsExact) {
    FakeClock clock;
    Shaper s(clock, 1, spec("delay=25ms"));
    const std::int64_t t0 = clock.now;
    s.offer(frame(1));
    clock.now += 3'000'000;
    s.offer(frame(2));
    EXPECT_EQ(s.next_due(), t0 + 25'000'000);
    clock.now = t0 + 25'000'000 - 1;
    EXPECT_FALSE(s.pop_due().has_value());
    clock.now = t0 + 25'000'000;
    auto first = s.pop_due();
    ASSERT_TRUE(first.has_value());
    EXPECT_EQ(id_of(*first), 1u);
    EXPECT_FALSE(s.pop_due().has_value());
    EXPECT_EQ(s.next_due(), t0 + 28'000'000);
}

TEST(Shaper, LossRateWithinBinomialBound) {
    FakeClock clock;
    Shaper s(clock, 42, spec("loss=10%,limit=200000"));
    const int n = 100'000;
    for (int i = 0; i < n; ++i) s.offer(frame(static_cast<std::uint32_t>(i)));
    const double lost = static_cast<double>(s.counters().dropped_loss);
    EXPECT_NEAR(lost, n * 0.10, binomial_bound(n, 0.10));
    EXPECT_EQ(s.held(), n - s.counters().dropped_loss);
}

TEST(Shaper, GilbertElliottLossComesInBursts) {
    FakeClock clock;
    // Good -> bad 1%, bad -> good 25%, every frame lost while bad: mean burst 4 frames, loss ~3.8%.
    Shaper s(clock, 7, spec("loss=gemodel:1%:25%:100%:0%,limit=200000"));
    const int n = 100'000;
    for (int i = 0; i < n; ++i) s.offer(frame(static_cast<std::uint32_t>(i)));
    std::vector<bool> delivered(n, false);
    while (auto d = s.pop_due()) delivered[id_of(*d)] = true;
    int losses = 0, bursts = 0;
    for (int i = 0; i < n; ++i) {
        if (!delivered[i]) {
            ++losses;
            if (i == 0 || delivered[i - 1]) ++bursts;
        }
    }
    const double mean_burst = static_cast<double>(losses) / bursts;
    const double stationary_bad = 0.01 / (0.01 + 0.25);
    EXPECT_NEAR(static_cast<double>(losses) / n, stationary_bad, 0.006);
    EXPECT_NEAR(mean_burst, 4.0, 0.4);  // independent loss at the same rate would give ~1.04
}

TEST(Shaper, DuplicateCount) {
    FakeClock clock;
    Shaper s(clock, 3, spec("duplicate=5%,limit=200000"));
    const int n = 100'000;
    for (int i = 0; i < n; ++i) s.offer(frame(static_cast<std::uint32_t>(i)));
    const double dup = static_cast<double>(s.counters().duplicated);
    EXPECT_NEAR(dup, n * 0.05, binomial_bound(n, 0.05));
    EXPECT_EQ(s.held(), n + s.counters().duplicated);
    // Both copies leave, the duplicate right after its original.
    auto a = s.pop_due();
    ASSERT_TRUE(a.has_value());
}

TEST(Shaper, ReorderShareSkipsTheDelay) {
    FakeClock clock;
    Shaper s(clock, 5, spec("delay=10ms,reorder=25%,limit=200000"));
    const int n = 20'000;
    for (int i = 0; i < n; ++i) {
        s.offer(frame(static_cast<std::uint32_t>(i)));
        clock.now += 1'000;
    }
    const double reordered = static_cast<double>(s.counters().reordered);
    EXPECT_NEAR(reordered, n * 0.25, binomial_bound(n, 0.25));
    auto out = drain(s, clock, clock.now + 20'000'000);
    ASSERT_EQ(out.size(), static_cast<std::size_t>(n));
    int early = 0, out_of_order = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (i > 0 && id_of(out[i]) < id_of(out[i - 1])) ++out_of_order;
    }
    for (const auto& d : out) early += d.due_ns < 1'000'000'000 + 10'000'000 + static_cast<std::int64_t>(id_of(d)) * 1'000 ? 1 : 0;
    EXPECT_EQ(early, static_cast<int>(s.counters().reordered));
    EXPECT_GT(out_of_order, 0);
}

TEST(Shaper, RateSerializerDepartureTimes) {
    FakeClock clock;
    // 1500 bytes at 10 Mbit/s take 1.2 ms; 5 ms propagation delay before that.
    Shaper s(clock, 1, spec("delay=5ms,rate=10mbit"));
    const std::int64_t t0 = clock.now;
    for (std::uint32_t i = 0; i < 3; ++i) s.offer(frame(i, 1500));
    auto out = drain(s, clock, t0 + 1'000'000'000);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].due_ns, t0 + 5'000'000 + 1'200'000);
    EXPECT_EQ(out[1].due_ns, t0 + 5'000'000 + 2'400'000);
    EXPECT_EQ(out[2].due_ns, t0 + 5'000'000 + 3'600'000);
    // A frame arriving after the link went idle starts from its own arrival + delay.
    clock.now = t0 + 100'000'000;
    s.offer(frame(9, 125));  // 1000 bits: 100 us
    EXPECT_EQ(s.next_due(), clock.now + 5'000'000 + 100'000);
}

TEST(Shaper, QueueLimitDrops) {
    FakeClock clock;
    Shaper s(clock, 1, spec("delay=100ms,limit=10"));
    for (std::uint32_t i = 0; i < 25; ++i) s.offer(frame(i));
    EXPECT_EQ(s.held(), 10u);
    EXPECT_EQ(s.counters().dropped_queue, 15u);
    auto out = drain(s, clock, clock.now + 1'000'000'000);
    ASSERT_EQ(out.size(), 10u);
    EXPECT_EQ(id_of(out.back()), 9u);  // the first ten got in; later arrivals were dropped
}

TEST(Shaper, BlackholeDropsArrivalsAndFramesInFlight) {
    FakeClock clock;
    Shaper s(clock, 1, spec("delay=10ms"));
    s.offer(frame(1));
    s.set_impairment(spec("delay=10ms,blackhole"));
    s.offer(frame(2));
    clock.now += 20'000'000;
    EXPECT_FALSE(s.pop_due().has_value());
    EXPECT_EQ(s.counters().dropped_blackhole, 2u);
    s.set_impairment(spec("delay=10ms"));
    s.offer(frame(3));
    clock.now += 10'000'000;
    auto d = s.pop_due();
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(id_of(*d), 3u);
}

TEST(Shaper, LiveChangeKeepsHeldFramesAndOrder) {
    FakeClock clock;
    Shaper s(clock, 1, spec("delay=50ms"));
    const std::int64_t t0 = clock.now;
    s.offer(frame(1));
    clock.now += 1'000'000;
    s.set_impairment(spec("delay=5ms"));
    s.offer(frame(2));
    // Frame 2 would be due at t0+6ms but may not overtake frame 1 (due t0+50ms): no jitter, no reorder.
    auto out = drain(s, clock, t0 + 1'000'000'000);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(id_of(out[0]), 1u);
    EXPECT_EQ(out[0].due_ns, t0 + 50'000'000);
    EXPECT_EQ(id_of(out[1]), 2u);
    EXPECT_EQ(out[1].due_ns, t0 + 50'000'000);
    // After the queue drained, the new delay applies as configured.
    s.offer(frame(3));
    EXPECT_EQ(s.next_due(), clock.now + 5'000'000);
}

TEST(Shaper, JitterSpreadsAndReordersAsNetemDoes) {
    FakeClock clock;
    Shaper s(clock, 11, spec("delay=10ms,jitter=2ms:normal,limit=200000"));
    const int n = 20'000;
    std::vector<std::int64_t> delays;
    for (int i = 0; i < n; ++i) {
        s.offer(frame(static_cast<std::uint32_t>(i)));
        clock.now += 100'000;
    }
    auto out = drain(s, clock, clock.now + 1'000'000'000);
    ASSERT_EQ(out.size(), static_cast<std::size_t>(n));
    double sum = 0, sq = 0;
    int out_of_order = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const double d = static_cast<double>(out[i].due_ns - (1'000'000'000 + static_cast<std::int64_t>(id_of(out[i])) * 100'000));
        sum += d;
        sq += d * d;
        if (i > 0 && id_of(out[i]) < id_of(out[i - 1])) ++out_of_order;
    }
    const double mean = sum / n, sd = std::sqrt(sq / n - mean * mean);
    EXPECT_NEAR(mean, 10e6, 0.1e6);
    EXPECT_NEAR(sd, 2e6, 0.1e6);
    EXPECT_GT(out_of_order, 0);
}

TEST(Shaper, UniformJitterStaysWithinItsWidth) {
    FakeClock clock;
    Shaper s(clock, 2, spec("delay=10ms,jitter=1ms,limit=200000"));
    const std::int64_t t0 = clock.now;
    for (int i = 0; i < 5000; ++i) s.offer(frame(static_cast<std::uint32_t>(i)));
    auto out = drain(s, clock, t0 + 1'000'000'000);
    for (const auto& d : out) {
        EXPECT_GE(d.due_ns, t0 + 9'000'000);
        EXPECT_LE(d.due_ns, t0 + 11'000'000);
    }
}

TEST(Shaper, CorruptShareIsMarked) {
    FakeClock clock;
    Shaper s(clock, 9, spec("corrupt=1%,limit=200000"));
    const int n = 100'000;
    for (int i = 0; i < n; ++i) s.offer(frame(static_cast<std::uint32_t>(i)));
    int marked = 0;
    while (auto d = s.pop_due()) marked += d->corrupt ? 1 : 0;
    EXPECT_EQ(marked, static_cast<int>(s.counters().corrupted));
    EXPECT_NEAR(marked, n * 0.01, binomial_bound(n, 0.01));
}

TEST(Shaper, SameSeedSameFate) {
    FakeClock c1, c2;
    Shaper s1(c1, 77, spec("loss=20%,duplicate=5%")), s2(c2, 77, spec("loss=20%,duplicate=5%"));
    for (std::uint32_t i = 0; i < 1000; ++i) {
        s1.offer(frame(i));
        s2.offer(frame(i));
    }
    EXPECT_EQ(s1.counters().dropped_loss, s2.counters().dropped_loss);
    EXPECT_EQ(s1.counters().duplicated, s2.counters().duplicated);
}

TEST(Shaper, SchedulingErrorIsRecorded) {
    FakeClock clock;
    Shaper s(clock, 1, spec("delay=1ms"));
    s.offer(frame(1));
    clock.now += 1'300'000;
    auto d = s.pop_due();
    ASSERT_TRUE(d.has_value());
    s.record_sent(*d, clock.now);
    EXPECT_EQ(s.counters().tx_frames, 1u);
    EXPECT_EQ(s.counters().scheduling_error.max_ns(), 300'000);
    EXPECT_EQ(s.counters().scheduling_error.quantile_ns(0.99), 300'000);
}

}  // namespace
