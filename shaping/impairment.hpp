#pragma once
// What one direction of a link does to the frames that cross it, as a plain value: the scenario
// parser builds it from TOML, lab-wire from its command line and control socket, and both print it
// the same way. No sockets here, so anything may include it.
//
// Text form (items separated by commas, each named once, order free; "" or "none" is a clean link):
//   delay=25ms,jitter=1ms:normal,loss=1%,duplicate=0.5%,reorder=10%,corrupt=0.1%,rate=10mbit,limit=1000
//   loss=gemodel:1%:30%:100%:0%   (Gilbert-Elliott: p, r, 1-h, 1-k, as netem's `loss gemodel`)
//   blackhole   or   blackhole=on|off|true|false
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/units.hpp"

namespace lab::shaping {

// How a frame's delay spreads around `delay` when jitter is set; jitter is the standard deviation
// for normal and pareto, the half-width for uniform. Uniform is netem's default without a table.
enum class JitterDistribution { Uniform, Normal, Pareto };

// netem's four-parameter Gilbert-Elliott model. Probabilities in [0, 1].
struct GilbertElliott {
    double p = 0;            // good -> bad, per frame
    double r = 1;            // bad -> good, per frame
    double one_minus_h = 1;  // loss probability while bad
    double one_minus_k = 0;  // loss probability while good
    bool operator==(const GilbertElliott&) const = default;
};

struct Impairment {
    Duration delay{0};
    Duration jitter{0};
    JitterDistribution distribution = JitterDistribution::Uniform;
    double loss = 0;                       // probability in [0, 1], independent per frame
    std::optional<GilbertElliott> gemodel;  // when set, replaces `loss`
    double duplicate = 0;                  // probability in [0, 1]
    double reorder = 0;                    // probability that a frame skips the delay; needs delay > 0
    double corrupt = 0;                    // probability that one bit past the L3 header flips
    std::uint64_t rate_bps = 0;            // bits per second on the wire; 0 = unlimited
    std::uint32_t limit = 1000;            // frames held by this direction at once (netem's limit;
                                           // a GSO super-frame counts as one, as in netem)
    bool blackhole = false;                // drop everything silently; carrier stays up

    bool operator==(const Impairment&) const = default;
};

inline constexpr std::uint32_t default_limit = 1000;

// Parses the text form onto `base`: items named in `text` replace base's values, the others stay.
// Errors name the offending item, e.g. "loss=120%: percentage must be between 0% and 100%".
Parsed<Impairment> parse_impairment_onto(Impairment base, std::string_view text);

inline Parsed<Impairment> parse_impairment(std::string_view text) { return parse_impairment_onto(Impairment{}, text); }

// Range and consistency checks for a struct built elsewhere (the scenario parser); the text parser
// runs them too. nullopt when valid.
std::optional<std::string> validate_impairment(const Impairment& impairment);

// Canonical text that parse_impairment reads back to an equal struct; "none" for a clean link.
std::string format_impairment(const Impairment& impairment);

// "10mbit", "1.5gbit", "64kbit", "9600bit" (decimal multiples, bits per second).
Parsed<std::uint64_t> parse_rate(std::string_view text);
std::string format_rate(std::uint64_t bits_per_second);

// "1%", "0.25%"; returns a probability in [0, 1].
Parsed<double> parse_percent(std::string_view text);

}  // namespace lab::shaping
