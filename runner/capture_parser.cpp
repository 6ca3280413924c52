#include "runner/capture_parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "common/units.hpp"

namespace lab::runner {
namespace {

// Below an Ethernet + IPv4 + TCP header (54 bytes) a filter on ports or flags cannot work.
constexpr std::int64_t kMinSnaplen = 64;
constexpr std::uint64_t kMinMaxBytes = 4096;

}  // namespace

std::optional<CaptureSpec> parse_link_capture(const toml::node& value, TomlReader& r) {
    CaptureSpec spec;
    spec.where = r.where(value);
    if (const auto* on = value.as_boolean()) {
        if (!on->get()) return std::nullopt;
        return spec;
    }
    const toml::table* t = value.as_table();
    if (!t) {
        r.error(value, "'capture' must be true, false or a table such as { snaplen = 128, max_size = \"16MiB\" }");
        return std::nullopt;
    }
    r.reject_unknown_keys(*t, {"snaplen", "max_size"}, "capture");
    if (auto snaplen = r.integer(*t, "snaplen", false, kMinSnaplen, CaptureSpec::kDefaultSnaplen))
        spec.snaplen = static_cast<std::uint32_t>(*snaplen);
    if (const toml::node* size = t->get("max_size")) {
        std::optional<std::uint64_t> bytes;
        if (const auto* n = size->as_integer()) {
            if (n->get() >= 0) bytes = static_cast<std::uint64_t>(n->get());
        } else if (const auto* text = size->as_string()) {
            auto parsed = parse_size(text->get());
            if (const auto* e = std::get_if<ParseError>(&parsed)) r.error(*size, fmt::format("max_size: {}", e->message));
            else bytes = std::get<std::uint64_t>(parsed);
        } else {
            r.error(*size, "'max_size' must be a size such as \"16MiB\" or a number of bytes");
        }
        if (bytes && *bytes < kMinMaxBytes)
            r.error(*size, fmt::format("max_size {} is below {} bytes: not even the file's headers would fit", *bytes,
                                       kMinMaxBytes));
        else if (bytes) spec.max_bytes = *bytes;
    }
    return spec;
}

void parse_capture_step(const toml::node& value, Step& step, TomlReader& r) {
    step.kind = StepKind::Capture;
    const toml::table* t = value.as_table();
    if (!t) {
        r.error(value, "'capture' in a step must be a table such as { link = \"lan\", action = \"start\" }");
        return;
    }
    r.reject_unknown_keys(*t, {"link", "action"}, "capture");
    step.link = r.string(*t, "link", true).value_or("");
    const std::string action = r.string(*t, "action", true).value_or("start");
    if (action != "start" && action != "stop")
        r.error(*t->get("action"), fmt::format("capture action '{}' is unknown (start or stop)", action));
    step.capture_on = action == "start";
}

void resolve_capture_steps(Scenario& s, TomlReader& r) {
    std::map<std::string, bool> running;  // link → capture running at this point of the timeline
    for (const Step& step : s.steps) {
        if (step.kind != StepKind::Capture || step.link.empty()) continue;
        auto link = std::find_if(s.links.begin(), s.links.end(), [&](const LinkSpec& l) { return l.name == step.link; });
        if (link == s.links.end()) {
            r.error(step.where, fmt::format("capture step: no link named '{}' (unnamed links are link0, link1, ...)",
                                            step.link));
            continue;
        }
        if (!running.count(link->name)) {
            if (!link->capture) {
                link->capture = CaptureSpec{};
                link->capture->where = step.where;
            }
            link->capture->from_start = !step.capture_on;
            running[link->name] = link->capture->from_start;
        }
        bool& on = running[link->name];
        if (on == step.capture_on)
            r.error(step.where, fmt::format("capture on link '{}' is already {} at {}", link->name,
                                            on ? "running" : "stopped", format_duration(step.at)));
        on = step.capture_on;
    }
}

}  // namespace lab::runner
