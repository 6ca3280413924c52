#pragma once
// lab-wire's control protocol, typed: one JSON object per datagram in each direction. The runner builds
// requests with it, lab-wire reads them with it, so the two can only disagree at compile time.
//   {"direction":"a2b"|"b2a"|"both", "set":"delay=50ms,loss=5%"}   replace the whole spec (items not named
//                                                                  return to their defaults, as `tc qdisc
//                                                                  change` does)
//   {"direction":..., "update":"loss=10%"}                         change only the items named
//   {"direction":..., "blackhole":true|false}                      change only blackhole
//   {"get":true}                                                   current specs and counters
// "set"/"update" may be combined with "blackhole" (applied last).
// Replies: {"ok":true, "a2b":"<spec>", "b2a":"<spec>"} (plus "stats" for get)
//          {"ok":false, "error":"<what was wrong, naming the field or item>"}
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/units.hpp"
#include "shaping/direction.hpp"
#include "shaping/impairment.hpp"

namespace lab::shaping {

struct ControlRequest {
    enum class Change { None, Set, Update };

    bool get = false;                   // a query; nothing else may be given with it
    std::vector<Direction> directions;  // one, or both
    Change change = Change::None;
    std::string spec;                   // the impairment items for Set / Update, in their text form
    std::optional<bool> blackhole;

    static ControlRequest query();
    static ControlRequest set(Direction d, const Impairment& impairment);
    static ControlRequest update(std::vector<Direction> directions, std::string items);
    static ControlRequest set_blackhole(std::vector<Direction> directions, bool on);
};

std::string encode_request(const ControlRequest& request);
// Errors name the field: "direction: 'x' is not a2b, b2a or both".
Parsed<ControlRequest> decode_request(std::string_view text);

struct ControlReply {
    bool ok = false;
    std::string error;        // when !ok
    std::string a2b;          // the spec in force afterwards, text form
    std::string b2a;
    nlohmann::ordered_json stats;  // counters, for a query
};

nlohmann::ordered_json encode_reply(const ControlReply& reply);
// A reply that is not JSON or lacks "ok" reads as a refusal saying so.
ControlReply decode_reply(std::string_view text);

}  // namespace lab::shaping
