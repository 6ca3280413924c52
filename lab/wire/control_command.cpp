#include "lab/wire/control_command.hpp"

#include <array>
#include <optional>
#include <vector>

namespace lab::wire {
namespace {

nlohmann::ordered_json error_reply(const std::string& message) {
    nlohmann::ordered_json reply;
    reply["ok"] = false;
    reply["error"] = message;
    return reply;
}

nlohmann::ordered_json ok_reply(const ControlTarget& target) {
    nlohmann::ordered_json reply;
    reply["ok"] = true;
    for (Direction d : both_directions) reply[std::string(direction_name(d))] = format_impairment(target.impairment(d));
    return reply;
}

}  // namespace

nlohmann::ordered_json handle_control_request(std::string_view text, ControlTarget& target) {
    nlohmann::json request = nlohmann::json::parse(text, nullptr, false);
    if (request.is_discarded()) return error_reply("request is not valid JSON");
    if (!request.is_object()) return error_reply("request must be a JSON object");

    for (const auto& [key, value] : request.items()) {
        if (key != "direction" && key != "set" && key != "update" && key != "blackhole" && key != "get")
            return error_reply("unknown field '" + key + "' (use direction, set, update, blackhole, get)");
    }
    if (request.contains("get")) {
        if (request.size() != 1 || !request["get"].is_boolean() || !request["get"].get<bool>())
            return error_reply("get: send {\"get\":true} alone");
        auto reply = ok_reply(target);
        reply["stats"] = target.stats();
        return reply;
    }

    const bool has_set = request.contains("set"), has_update = request.contains("update");
    const bool has_blackhole = request.contains("blackhole");
    if (has_set && has_update) return error_reply("give either set or update, not both");
    if (!has_set && !has_update && !has_blackhole) return error_reply("nothing to do: give set, update or blackhole");
    if (!request.contains("direction") || !request["direction"].is_string())
        return error_reply("direction: required, one of a2b, b2a, both");

    std::vector<Direction> directions;
    const std::string dir = request["direction"].get<std::string>();
    if (dir == "both") directions = {Direction::AtoB, Direction::BtoA};
    else if (auto d = direction_from_name(dir)) directions = {*d};
    else return error_reply("direction: '" + dir + "' is not a2b, b2a or both");

    std::optional<std::string> spec_text;
    if (has_set || has_update) {
        const auto& v = request[has_set ? "set" : "update"];
        if (!v.is_string()) return error_reply(std::string(has_set ? "set" : "update") + ": must be a string");
        spec_text = v.get<std::string>();
    }
    std::optional<bool> blackhole;
    if (has_blackhole) {
        if (!request["blackhole"].is_boolean()) return error_reply("blackhole: must be true or false");
        blackhole = request["blackhole"].get<bool>();
    }

    // Everything is computed first and applied only if every direction is valid.
    std::array<std::optional<Impairment>, 2> next;
    for (Direction d : directions) {
        Impairment spec = target.impairment(d);
        if (spec_text) {
            auto parsed = parse_impairment_onto(has_set ? Impairment{} : spec, *spec_text);
            if (failed(parsed))
                return error_reply(std::string(has_set ? "set" : "update") + ": " + std::get<ParseError>(parsed).message);
            spec = std::get<Impairment>(parsed);
        }
        if (blackhole) spec.blackhole = *blackhole;
        next[static_cast<std::size_t>(d)] = spec;
    }
    for (Direction d : directions) target.set_impairment(d, *next[static_cast<std::size_t>(d)]);
    return ok_reply(target);
}

}  // namespace lab::wire
