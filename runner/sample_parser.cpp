#include "runner/sample_parser.hpp"

#include <algorithm>
#include <array>

#include <fmt/format.h>

namespace lab::runner {
namespace {

// What someone load-testing a server's connection handling watches: the accept path (overflows and drops,
// SYN cookies), retransmissions and timeouts, resets and aborts, and the opens themselves.
constexpr std::array<std::string_view, 14> kDefaultCounters = {
    "TcpExt.ListenOverflows", "TcpExt.ListenDrops",        "TcpExt.TCPTimeouts",   "Tcp.RetransSegs",
    "Tcp.ActiveOpens",        "Tcp.PassiveOpens",          "Tcp.AttemptFails",     "Tcp.EstabResets",
    "Tcp.OutRsts",            "TcpExt.TCPAbortOnTimeout",  "TcpExt.SyncookiesSent", "TcpExt.TCPBacklogDrop",
    "TcpExt.TCPAbortOnMemory", "TcpExt.TCPReqQFullDrop",
};

}  // namespace

std::span<const std::string_view> default_sampled_counters() { return kDefaultCounters; }

std::optional<SampleSpec> parse_sample(const toml::table& root, TomlReader& r, const std::vector<HostSpec>& hosts) {
    const toml::node* node = root.get("sample");
    if (!node) return std::nullopt;
    const toml::table* t = node->as_table();
    if (!t) {
        r.error(*node, "'sample' must be a table such as { every = \"1s\", hosts = [\"server\"], detail = \"counts\" }");
        return std::nullopt;
    }
    r.reject_unknown_keys(*t, {"every", "hosts", "detail", "counters"}, "sample");
    SampleSpec spec;
    spec.where = r.where(*node);
    if (auto every = r.duration(*t, "every", false)) {
        if (*every < kMinSampleEvery)
            r.error(*t->get("every"), fmt::format("'every' = {} is shorter than {}", format_duration(*every),
                                                  format_duration(kMinSampleEvery)));
        else
            spec.every = *every;
    }
    spec.hosts = r.strings(*t, "hosts");
    for (const auto& h : spec.hosts)
        if (std::none_of(hosts.begin(), hosts.end(), [&](const HostSpec& s) { return s.name == h; }))
            r.error(*t->get("hosts"), fmt::format("no host named '{}' in [hosts]", h));
    if (spec.hosts.empty())
        for (const auto& h : hosts) spec.hosts.push_back(h.name);
    spec.detail = r.string(*t, "detail", false).value_or("counts");
    if (spec.detail != "counts" && spec.detail != "none")
        r.error(*t->get("detail"),
                fmt::format("sample detail '{}' is unknown (counts, or none: counters, sockstat and RSS only; a "
                            "sample never keeps every socket, take a snapshot for that)",
                            spec.detail));
    for (const auto& c : r.strings(*t, "counters")) {
        const auto dot = c.find('.');
        if (dot == std::string::npos || dot == 0 || dot + 1 == c.size())
            r.error(*t->get("counters"), fmt::format("counter '{}' must be Section.Name as in /proc/net/netstat or "
                                                     "/proc/net/snmp, e.g. TcpExt.ListenOverflows",
                                                     c));
        else if (std::find(kDefaultCounters.begin(), kDefaultCounters.end(), c) == kDefaultCounters.end())
            spec.counters.push_back(c);
    }
    return spec;
}

}  // namespace lab::runner
