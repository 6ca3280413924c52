#include "lab/wire/control_command.hpp"

#include <array>
#include <optional>
#include <variant>

namespace lab::wire {
namespace {

nlohmann::ordered_json error_reply(const std::string& message) {
    shaping::ControlReply reply;
    reply.error = message;
    return shaping::encode_reply(reply);
}

shaping::ControlReply ok_reply(const ControlTarget& target) {
    shaping::ControlReply reply;
    reply.ok = true;
    reply.a2b = shaping::format_impairment(target.impairment(Direction::AtoB));
    reply.b2a = shaping::format_impairment(target.impairment(Direction::BtoA));
    return reply;
}

}  // namespace

nlohmann::ordered_json handle_control_request(std::string_view text, ControlTarget& target) {
    auto decoded = shaping::decode_request(text);
    if (failed(decoded)) return error_reply(std::get<ParseError>(decoded).message);
    const shaping::ControlRequest& request = std::get<shaping::ControlRequest>(decoded);
    if (request.get) {
        shaping::ControlReply reply = ok_reply(target);
        reply.stats = target.stats();
        return shaping::encode_reply(reply);
    }

    // Everything is computed first and applied only if every direction is valid.
    using Change = shaping::ControlRequest::Change;
    std::array<std::optional<Impairment>, 2> next;
    for (Direction d : request.directions) {
        Impairment spec = target.impairment(d);
        if (request.change != Change::None) {
            const bool set = request.change == Change::Set;
            auto parsed = shaping::parse_impairment_onto(set ? Impairment{} : spec, request.spec);
            if (failed(parsed))
                return error_reply(std::string(set ? "set" : "update") + ": " + std::get<ParseError>(parsed).message);
            spec = std::get<Impairment>(parsed);
        }
        if (request.blackhole) spec.blackhole = *request.blackhole;
        next[static_cast<std::size_t>(d)] = spec;
    }
    for (Direction d : request.directions) target.set_impairment(d, *next[static_cast<std::size_t>(d)]);
    return shaping::encode_reply(ok_reply(target));
}

}  // namespace lab::wire
