#pragma once
// Rates as written on agent command lines: "2000/s", "30/m", "5/ms". A bare number is refused for
// the same reason a bare duration is: "100" could mean per second or per millisecond.
#include <string>
#include <string_view>

#include "common/units.hpp"

namespace lab::agent {

struct Rate {
    double per_second = 0;

    // The gap between two events at this rate.
    Duration interval() const;
    std::string text() const;  // "2000/s"
};

Parsed<Rate> parse_rate(std::string_view text);

}  // namespace lab::agent
