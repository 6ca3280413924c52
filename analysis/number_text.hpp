#pragma once
// How numbers are written in verdicts and tables. Every observation is a count or a byte sum, so "31"
// must not come out as "31.000000"; a fractional value (a bound written as 0.5) keeps %g precision.
#include <string>

namespace lab::analysis {

// "31" when the value is integral, otherwise %g ("0.5", "1.25e+09").
std::string number_text(double v);

// For tables that hold many numbers (sweep pivots): integers as integers, anything else with three
// significant digits ("0.333", "12.5", "1.23e-05"); from 1000 up rounded to a whole number rather than
// written with an exponent ("1235", not "1.23e+03").
std::string compact_number_text(double v);

// The shortest text that reads back as exactly `v` ("0.1", "31", "1e+300"), for data files (CSV, JSON
// lines) where no precision may be lost.
std::string exact_number_text(double v);

// Wall-clock durations for people: "0.84s", "12.3s", "3m 05s".
std::string seconds_text(double seconds);

}  // namespace lab::analysis
