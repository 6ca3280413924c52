#pragma once
// lab-wire's side of its control protocol (shaping/control_request.hpp), kept apart from the socket so
// that tests can drive it. A request is validated whole before anything changes, so a bad request leaves
// both directions as they were.
#include <string_view>

#include <nlohmann/json.hpp>

#include "shaping/control_request.hpp"

namespace lab::wire {

using shaping::Direction;
using shaping::Impairment;

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
