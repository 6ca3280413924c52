#pragma once
// How numbers are written in verdicts and tables. Every observation is a count or a byte sum, so "31"
// must not come out as "31.000000"; a fractional value (a bound written as 0.5) keeps %g precision.
#include <string>

namespace lab::analysis {

// "31" when the value is integral, otherwise %g ("0.5", "1.25e+09").
std::string number_text(double v);

// Wall-clock durations for people: "0.84s", "12.3s", "3m 05s".
std::string seconds_text(double seconds);

}  // namespace lab::analysis
