#include "shaping/control_request.hpp"

namespace lab::shaping {
namespace {

ParseError bad(std::string message) { return ParseError{std::move(message)}; }

std::string directions_text(const std::vector<Direction>& directions) {
    if (directions.size() == 1) return std::string(direction_name(directions.front()));
    return "both";
}

}  // namespace

ControlRequest ControlRequest::query() {
    ControlRequest r;
    r.get = true;
    return r;
}

ControlRequest ControlRequest::set(Direction d, const Impairment& impairment) {
    ControlRequest r;
    r.directions = {d};
    r.change = Change::Set;
    r.spec = format_impairment(impairment);
    return r;
}

ControlRequest ControlRequest::update(std::vector<Direction> directions, std::string items) {
    ControlRequest r;
    r.directions = std::move(directions);
    r.change = Change::Update;
    r.spec = std::move(items);
    return r;
}

ControlRequest ControlRequest::set_blackhole(std::vector<Direction> directions, bool on) {
    ControlRequest r;
    r.directions = std::move(directions);
    r.blackhole = on;
    return r;
}

std::string encode_request(const ControlRequest& request) {
    nlohmann::ordered_json j;
    if (request.get) {
        j["get"] = true;
        return j.dump();
    }
    j["direction"] = directions_text(request.directions);
    if (request.change == ControlRequest::Change::Set) j["set"] = request.spec;
    if (request.change == ControlRequest::Change::Update) j["update"] = request.spec;
    if (request.blackhole) j["blackhole"] = *request.blackhole;
    return j.dump();
}

Parsed<ControlRequest> decode_request(std::string_view text) {
    nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) return bad("request is not valid JSON");
    if (!j.is_object()) return bad("request must be a JSON object");
    for (const auto& [key, value] : j.items())
        if (key != "direction" && key != "set" && key != "update" && key != "blackhole" && key != "get")
            return bad("unknown field '" + key + "' (use direction, set, update, blackhole, get)");

    ControlRequest r;
    if (j.contains("get")) {
        if (j.size() != 1 || !j["get"].is_boolean() || !j["get"].get<bool>()) return bad("get: send {\"get\":true} alone");
        return ControlRequest::query();
    }
    const bool has_set = j.contains("set"), has_update = j.contains("update");
    if (has_set && has_update) return bad("give either set or update, not both");
    if (!has_set && !has_update && !j.contains("blackhole")) return bad("nothing to do: give set, update or blackhole");
    if (!j.contains("direction") || !j["direction"].is_string()) return bad("direction: required, one of a2b, b2a, both");
    const std::string dir = j["direction"].get<std::string>();
    if (dir == "both") r.directions = {Direction::AtoB, Direction::BtoA};
    else if (auto d = direction_from_name(dir)) r.directions = {*d};
    else return bad("direction: '" + dir + "' is not a2b, b2a or both");
    if (has_set || has_update) {
        const char* field = has_set ? "set" : "update";
        if (!j[field].is_string()) return bad(std::string(field) + ": must be a string");
        r.change = has_set ? ControlRequest::Change::Set : ControlRequest::Change::Update;
        r.spec = j[field].get<std::string>();
    }
    if (j.contains("blackhole")) {
        if (!j["blackhole"].is_boolean()) return bad("blackhole: must be true or false");
        r.blackhole = j["blackhole"].get<bool>();
    }
    return r;
}

nlohmann::ordered_json encode_reply(const ControlReply& reply) {
    nlohmann::ordered_json j;
    j["ok"] = reply.ok;
    if (!reply.ok) {
        j["error"] = reply.error;
        return j;
    }
    j["a2b"] = reply.a2b;
    j["b2a"] = reply.b2a;
    if (!reply.stats.is_null()) j["stats"] = reply.stats;
    return j;
}

ControlReply decode_reply(std::string_view text) {
    ControlReply r;
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("ok") || !j["ok"].is_boolean()) {
        r.error = "an unreadable reply";
        return r;
    }
    r.ok = j["ok"].get<bool>();
    r.error = j.value("error", std::string(r.ok ? "" : "?"));
    r.a2b = j.value("a2b", std::string());
    r.b2a = j.value("b2a", std::string());
    if (j.contains("stats")) r.stats = j["stats"];
    return r;
}

}  // namespace lab::shaping
