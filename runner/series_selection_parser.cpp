#include "runner/series_selection_parser.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "runner/sample_parser.hpp"

namespace lab::runner {
namespace {

constexpr std::string_view kReductions[] = {"max", "min", "mean", "first", "last"};
constexpr std::string_view kSockstat[] = {"sockstat.tcp.inuse", "sockstat.tcp.orphan", "sockstat.tcp.tw",
                                          "sockstat.tcp.alloc", "sockstat.tcp.mem",    "sockstat.udp.inuse",
                                          "sockstat.udp.mem",   "sockstat.sockets.used"};

bool listed(std::string_view v, const auto& list) {
    return std::find(std::begin(list), std::end(list), v) != std::end(list);
}

bool is_number(std::string_view text) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::string series_metric_problem(const std::string& metric, const SampleSpec& sample, const KnownNames& names) {
    const std::string_view m = metric;
    const bool sockets = m.starts_with("sockets.") || m == "udp.sockets" || m == "accept_queue" ||
                         m.starts_with("accept_queue.");
    if (sockets && sample.detail == "none")
        return fmt::format("'{}' needs sockets counted, but [sample] has detail = \"none\"", metric);
    if (m.starts_with("sockets.")) {
        const std::string state(m.substr(8));
        if (state == "total" || is_socket_state(state)) return "";
        return fmt::format("'{}': '{}' is no socket state (sockets.total, or sockets.<state> with established, "
                           "syn-recv, time-wait, ...)",
                           metric, state);
    }
    if (m == "udp.sockets" || m == "accept_queue") return "";
    if (m.starts_with("accept_queue.")) {
        if (is_number(m.substr(13))) return "";
        return fmt::format("'{}': accept_queue.<port> takes a port number", metric);
    }
    if (m.starts_with("rate.")) {
        const std::string counter(m.substr(5));
        const auto defaults = default_sampled_counters();
        if (listed(counter, defaults) || listed(counter, sample.counters)) return "";
        return fmt::format("counter '{}' is not sampled: add it to [sample] counters (sampled by default: {})", counter,
                           fmt::join(defaults, ", "));
    }
    if (m.starts_with("sockstat.")) {
        if (listed(m, kSockstat)) return "";
        return fmt::format("'{}' is not read from /proc/net/sockstat (known: {})", metric, fmt::join(kSockstat, ", "));
    }
    if (m.starts_with("rss.")) {
        std::string_view rest = m.substr(4);
        if (rest == "total") return "";
        const auto dot = rest.rfind('.');
        std::string process(rest);
        if (dot != std::string_view::npos && is_number(rest.substr(dot + 1))) process = rest.substr(0, dot);
        if (names.processes.contains(process)) return "";
        return fmt::format("'{}': no process named '{}' is started by any step (rss.total, rss.<process> or "
                           "rss.<process>.<instance>)",
                           metric, process);
    }
    return fmt::format("series metric '{}' is unknown (sockets.<state>, sockets.total, udp.sockets, accept_queue, "
                       "accept_queue.<port>, rate.<Section.Name>, sockstat.tcp.inuse, ..., rss.<process>, rss.total)",
                       metric);
}

void parse_series_selection(const toml::table& t, record::Selection& e, TomlReader& r, const KnownNames& names) {
    e.kind = record::ExpectKind::Series;
    for (auto key : {"at", "host"})
        if (const toml::node* n = t.get(key))
            r.error(*n, fmt::format("'{}' of a series selection goes inside it: series = {{ host = \"server\", metric "
                                    "= \"sockets.established\", at = \"2s\" }}",
                                    key));
    const toml::table* s = r.table(t, "series", true);
    if (!s) return;
    r.reject_unknown_keys(*s, {"host", "metric", "reduce", "at", "from", "to"}, "series");
    if (!names.sample) {
        r.error(*t.get("series"), "a series selection needs a [sample] table: the run records no series without one");
        return;
    }
    if (auto host = r.string(*s, "host", true)) {
        e.series.host = *host;
        if (!listed(*host, names.sample->hosts))
            r.error(*s->get("host"), fmt::format("host '{}' is not sampled (sampled: {})", *host,
                                                 fmt::join(names.sample->hosts, ", ")));
    }
    if (auto metric = r.string(*s, "metric", true)) {
        e.series.metric = *metric;
        if (auto problem = series_metric_problem(*metric, *names.sample, names); !problem.empty())
            r.error(*s->get("metric"), problem);
    }
    e.series.reduce = r.string(*s, "reduce", false).value_or("");
    if (const toml::node* reduce = s->get("reduce"); reduce && !listed(e.series.reduce, kReductions))
        r.error(*reduce, fmt::format("reduce '{}' is unknown (known: {})", e.series.reduce, fmt::join(kReductions, ", ")));
    if (auto at = r.duration(*s, "at", false)) e.series.at_s = to_seconds(*at);
    if (s->contains("reduce") == s->contains("at"))
        r.error(*s, "a series selection needs exactly one of 'reduce' (max, min, mean, first, last) and 'at' (the "
                    "last sample at or before a time)");
    if (auto from = r.duration(*s, "from", false)) e.series.from_s = to_seconds(*from);
    if (auto to = r.duration(*s, "to", false)) e.series.to_s = to_seconds(*to);
    if (e.series.from_s && e.series.to_s && *e.series.from_s > *e.series.to_s)
        r.error(*s, fmt::format("empty window: from {}s is after to {}s", *e.series.from_s, *e.series.to_s));
}

}  // namespace lab::runner
