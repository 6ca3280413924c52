#include "runner/packets_selection_parser.hpp"

#include <fmt/format.h>

#include "capture/packet_filter.hpp"
#include "common/printable.hpp"

namespace lab::runner {
namespace {

std::string joined(const auto& names) {
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "none" : out;
}
}  // namespace

void parse_packets_selection(const toml::table& t, record::Selection& e, TomlReader& r, const KnownNames& names) {
    e.kind = record::ExpectKind::Packets;
    if (const toml::node* at = t.get("at"))
        r.error(*at, "'at' does not apply to packets selections: they count between 'from' and 'to' (snapshots)");
    const toml::table* p = r.table(t, "packets", true);
    if (!p) return;
    r.reject_unknown_keys(*p, {"link", "filter", "from", "to"}, "packets");
    if (auto host = r.string(t, "host", true)) e.host = *host;
    e.packets.link = r.string(*p, "link", true).value_or("");
    if (!e.host.empty() && !e.packets.link.empty()) {
        auto link = names.captured_link_ends.find(e.packets.link);
        if (link == names.captured_link_ends.end()) {
            std::vector<std::string> captured;
            for (const auto& [name, ends] : names.captured_link_ends) captured.push_back(name);
            r.error(*p->get("link"), fmt::format("link '{}' is not captured (give it capture = true; captured links: {})",
                                                 e.packets.link, joined(captured)));
        } else if (!link->second.count(e.host)) {
            r.error(*t.get("host"), fmt::format("host '{}' is not an end of link '{}' (its ends: {})", e.host,
                                                e.packets.link, joined(link->second)));
        }
    }
    e.packets.filter = r.string(*p, "filter", false).value_or("");
    if (const toml::node* filter = p->get("filter")) {
        auto compiled = capture::PacketFilter::compile(e.packets.filter);
        if (const auto* error = std::get_if<std::string>(&compiled))
            r.error(*filter, fmt::format("filter '{}': {}", shortened(e.packets.filter, capture::PacketFilter::kExpressionBytes), *error));
    }
    for (const char* bound : {"from", "to"}) {
        auto name = r.string(*p, bound, false);
        if (!name) continue;
        (std::string_view(bound) == "from" ? e.packets.from : e.packets.to) = *name;
        if (!names.snapshots.count(*name))
            r.error(*p->get(bound), fmt::format("no snapshot named '{}' (snapshots: {})", *name, joined(names.snapshots)));
    }
}

}  // namespace lab::runner
