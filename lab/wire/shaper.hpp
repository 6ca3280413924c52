#pragma once
// One direction of the emulated link: decides, for each frame as it arrives, whether it is lost,
// duplicated, corrupted or reordered and when it departs, and holds it until then. Pure logic:
// time comes from a Clock and chance from a seeded generator, so a test replays it exactly.
//
// Semantics follow netem (net/sched/sch_netem.c) where netem has them:
// - Loss is decided per copy, so a duplicated frame's copies are lost independently (netem
//   re-enqueues the duplicate through the whole qdisc).
// - limit counts every frame held, delayed or waiting for the rate (netem's sch->limit): with
//   delay 200 ms, 10k pps already needs limit > 2000. Like netem, a GSO super-frame counts as one
//   (netem counts skbs), so both backends cap the same traffic at the same place. Counting
//   segments instead was measured: limit=1000 then caps TCP through 20 ms at ~500 Mbit/s with
//   heavy retransmission (bench/wire/RESULTS.md), which a netem run of the same scenario would not.
// - reorder: that share of frames skips delay and rate and departs at once, ahead of the queue.
// - rate: departure = max(arrival + delay, previous departure) + wire_bits / rate.
// - jitter DOES reorder, as in netem: each frame's departure is arrival + its own sampled delay,
//   and the queue is ordered by departure time. (netem's man page: add a rate to keep order.)
//   Without jitter, frames keep their order even across a live change to a shorter delay: a frame
//   never departs before one that arrived earlier (unless reorder picked it).
// - blackhole drops frames as they arrive and also frames that come due while it is on: a cut
//   wire loses what was in flight.
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

#include "lab/wire/clock.hpp"
#include "lab/wire/gilbert_elliott_loss.hpp"
#include "shaping/impairment.hpp"
#include "lab/wire/latency_histogram.hpp"

namespace lab::wire {

struct Frame {
    std::vector<std::uint8_t> bytes;  // as the data path received it (any vnet header included)
    std::uint32_t wire_bytes = 0;     // L2 bytes it occupies on the wire, all GSO segments counted
};

struct Departure {
    Frame frame;
    std::int64_t due_ns = 0;
    bool corrupt = false;           // the data path flips one bit before sending
    std::uint64_t corrupt_pick = 0;  // random value that chooses which bit
};

struct ShaperCounters {
    std::uint64_t rx_frames = 0, rx_bytes = 0;
    std::uint64_t tx_frames = 0, tx_bytes = 0, tx_errors = 0;
    std::uint64_t dropped_loss = 0, dropped_queue = 0, dropped_blackhole = 0;
    std::uint64_t duplicated = 0, corrupted = 0, reordered = 0;
    LatencyHistogram scheduling_error;
};

class Shaper {
public:
    Shaper(const Clock& clock, std::uint64_t seed, shaping::Impairment impairment = {});

    // Takes effect for frames arriving from now on; frames already held keep their departure time
    // (netem's `tc qdisc change` does the same). Blackhole also applies to held frames as they come due.
    void set_impairment(const shaping::Impairment& impairment);
    const shaping::Impairment& impairment() const { return impairment_; }

    // A frame arriving now.
    void offer(Frame frame);

    std::optional<std::int64_t> next_due() const;

    // The earliest held frame if its departure time has come, else nullopt.
    std::optional<Departure> pop_due();

    std::size_t held() const { return queue_.size(); }

    // The data path reports what became of a departure, for the counters and the error histogram.
    void record_sent(const Departure& d, std::int64_t sent_ns);
    void record_send_error() { ++counters_.tx_errors; }

    const ShaperCounters& counters() const { return counters_; }

private:
    struct Held {
        std::int64_t due_ns;
        std::uint64_t seq;  // arrival order: equal departure times leave first-in first-out
        Departure departure;
    };
    struct Later {
        bool operator()(const Held& a, const Held& b) const {
            return a.due_ns != b.due_ns ? a.due_ns > b.due_ns : a.seq > b.seq;
        }
    };

    bool chance(double probability);
    bool lose();
    std::int64_t sampled_delay_ns();
    void hold(Frame frame, std::int64_t now);

    const Clock& clock_;
    std::mt19937_64 rng_;
    shaping::Impairment impairment_;
    GilbertElliottLoss gilbert_elliott_;
    std::vector<Held> queue_;  // a heap under Later
    std::uint64_t next_seq_ = 0;
    std::int64_t last_due_ns_ = 0;  // latest departure given to a frame that went through delay/rate
    ShaperCounters counters_;
};

}  // namespace lab::wire
