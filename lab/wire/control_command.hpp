#pragma once
// The control protocol, one JSON object per datagram in each direction, kept apart from the
// socket so that tests can drive it. Requests:
//   {"direction":"a2b"|"b2a"|"both", "set":"delay=50ms,loss=5%"}    replace the whole spec (items not
//                                                                   named return to their defaults,
//                                                                   as `tc qdisc change` does)
//   {"direction":..., "update":"loss=10%"}                          change only the items named
//   {"direction":..., "blackhole":true|false}                       change only blackhole
//   {"get":true}                                                    current specs and counters
// "set"/"update" may be combined with "blackhole" (applied last). A request is validated whole
// before anything changes, so a bad request leaves both directions as they were.
// Replies: {"ok":true, "a2b":"<spec>", "b2a":"<spec>"} (plus "stats" for get)
//          {"ok":false, "error":"<what was wrong, naming the field or item>"}
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "lab/wire/direction.hpp"
#include "lab/wire/impairment.hpp"

namespace lab::wire {

class ControlTarget {
public:
    virtual ~ControlTarget() = default;
    virtual const Impairment& impairment(Direction d) const = 0;
    virtual void set_impairment(Direction d, const Impairment& impairment) = 0;
    virtual nlohmann::ordered_json stats() const = 0;
};

// Applies the request to the target; returns the reply (always valid JSON, never throws on bad input).
nlohmann::ordered_json handle_control_request(std::string_view request, ControlTarget& target);

}  // namespace lab::wire
