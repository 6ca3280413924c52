#include "runner/expectation_parser.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "common/errno_name.hpp"
#include "common/successor_cycles.hpp"
#include "runner/output_selection_parser.hpp"
#include "runner/packets_selection_parser.hpp"
#include "runner/series_selection_parser.hpp"
#include "runner/sweep_substitution.hpp"
#include "runner/tcp_state_names.hpp"

namespace lab::runner {
namespace {

constexpr std::string_view kResults[] = {"ok", "error", "timeout", "eof", "abandoned"};
constexpr std::string_view kPerConn[] = {"min", "max", "nonzero"};
constexpr std::string_view kTimings[] = {"min", "p50", "p90", "p99", "max", "mean", "start_spread"};
// The keys of a selection, shared by [[expect]] and [[metric]].
constexpr std::string_view kSelectionKeys[] = {"at",     "host",   "sockets", "counter", "events",
                                               "exit",   "output", "packets", "series"};

bool in(std::string_view v, const auto& list) { return std::find(std::begin(list), std::end(list), v) != std::end(list); }

std::string list_text(const auto& list) {
    std::string out;
    for (auto v : list) out += (out.empty() ? "" : ", ") + std::string(v);
    return out;
}

// The selector of an [[expect]] or a [[metric]]: exactly one of sockets, counter, events and exit, with
// at and host where they apply, checked against the names the scenario defines.
class SelectionParser {
public:
    SelectionParser(TomlReader& r, const KnownNames& names) : r_(r), names_(names) {}

    // False (reported) when the table has not exactly one selector.
    bool parse(const toml::table& t, record::Selection& e, std::string_view context) {
        int kinds = int(t.contains("sockets")) + int(t.contains("counter")) + int(t.contains("events")) +
                    int(t.contains("exit")) + int(t.contains("output")) + int(t.contains("packets")) +
                    int(t.contains("series"));
        if (kinds != 1) {
            r_.error(t, fmt::format("{} needs exactly one of 'sockets', 'counter', 'events', 'exit', 'output', "
                                    "'packets' and 'series'",
                                    context));
            return false;
        }
        if (t.contains("series")) {
            parse_series_selection(t, e, r_, names_);
            return true;
        }
        if (t.contains("packets")) {
            parse_packets_selection(t, e, r_, names_);
            return true;
        }
        if (t.contains("sockets")) parse_sockets(t, e);
        else if (t.contains("counter")) parse_counter(t, e);
        else if (t.contains("events")) parse_events(t, e);
        else if (t.contains("output")) parse_output(t, e);
        else parse_exit(t, e);
        return true;
    }

private:
    void parse_at_and_host(const toml::table& t, record::Selection& e) {
        e.at = r_.string(t, "at", false).value_or("end");
        if (!names_.snapshots.count(e.at)) {
            std::string known;
            for (const auto& s : names_.snapshots) known += (known.empty() ? "" : ", ") + s;
            r_.error(t.get("at") ? *t.get("at") : static_cast<const toml::node&>(t),
                     fmt::format("no snapshot named '{}' (snapshots: {})", e.at, known));
        }
        auto host = r_.string(t, "host", true);
        if (host) {
            e.host = *host;
            if (!names_.hosts.count(e.host)) r_.error(*t.get("host"), fmt::format("no host named '{}'", e.host));
        }
    }

    void parse_sockets(const toml::table& t, record::Selection& e) {
        e.kind = record::ExpectKind::Sockets;
        parse_at_and_host(t, e);
        const toml::table* s = r_.table(t, "sockets", true);
        if (!s) return;
        r_.reject_unknown_keys(*s, {"protocol", "state", "local_port", "remote_port", "metric"}, "sockets");
        e.sockets = parse_socket_selector(*s, r_);
        e.metric = r_.string(*s, "metric", false).value_or("count");
        if (names_.sockless_snapshots.contains(e.at))
            r_.error(t.get("at") ? *t.get("at") : static_cast<const toml::node&>(t),
                     fmt::format("snapshot '{}' is taken with detail = \"none\": it keeps no sockets to select", e.at));
        if (e.metric != "count" && e.metric != "recv_q" && e.metric != "send_q")
            r_.error(*s->get("metric"), fmt::format("metric '{}' is unknown (count, recv_q or send_q)", e.metric));
    }

    void parse_counter(const toml::table& t, record::Selection& e) {
        e.kind = record::ExpectKind::Counter;
        parse_at_and_host(t, e);
        e.counter = r_.string(t, "counter", true).value_or("");
        auto dot = e.counter.find('.');
        if (!e.counter.empty() && (dot == std::string::npos || dot == 0 || dot + 1 == e.counter.size()))
            r_.error(*t.get("counter"),
                     fmt::format("counter '{}' must be Section.Name as in /proc/net/netstat or /proc/net/snmp, "
                                 "e.g. TcpExt.ListenOverflows",
                                 e.counter));
    }

    void parse_process_ref(const toml::table& sel, record::Selection& e) {
        if (auto p = r_.string(sel, "process", false)) {
            e.process = *p;
            if (!names_.processes.count(e.process))
                r_.error(*sel.get("process"), fmt::format("no process named '{}' is started by any step", e.process));
        }
    }

    void reject_snapshot_keys(const toml::table& t, std::string_view kind) {
        for (auto key : {"at", "host"})
            if (const toml::node* n = t.get(key))
                r_.error(*n, fmt::format("'{}' does not apply to {} selections: they count over the whole run", key, kind));
    }

    void parse_events(const toml::table& t, record::Selection& e) {
        e.kind = record::ExpectKind::Events;
        reject_snapshot_keys(t, "events");
        const toml::table* s = r_.table(t, "events", true);
        if (!s) return;
        r_.reject_unknown_keys(*s, {"process", "group", "op", "result", "errno", "wave", "sum", "per_conn", "timing"},
                               "events");
        parse_process_ref(*s, e);
        e.group = r_.string(*s, "group", false).value_or("");
        e.op = r_.string(*s, "op", false).value_or("");
        e.result = r_.string(*s, "result", false).value_or("");
        if (!e.result.empty() && !in(e.result, kResults))
            r_.error(*s->get("result"), fmt::format("result '{}' is unknown (known: {})", e.result, list_text(kResults)));
        e.errno_name = r_.string(*s, "errno", false).value_or("");
        if (!e.errno_name.empty() && !errno_from_name(e.errno_name))
            r_.error(*s->get("errno"), fmt::format("'{}' is not an errno name such as ECONNRESET", e.errno_name));
        if (auto wave = r_.integer(*s, "wave", false, 0, 1000000)) e.wave = static_cast<int>(*wave);
        e.sum = r_.strings(*s, "sum");
        for (const auto& field : e.sum)
            if (field.empty() || field == "conn" || field == "start_ns" || field == "end_ns")
                r_.error(*s->get("sum"), fmt::format("'sum' names numeric fields of the agent's events, such as bytes "
                                                     "or datagrams; '{}' is not one",
                                                     field));
        e.per_conn = r_.string(*s, "per_conn", false).value_or("");
        if (!e.per_conn.empty() && !in(e.per_conn, kPerConn))
            r_.error(*s->get("per_conn"),
                     fmt::format("per_conn '{}' is unknown (known: {})", e.per_conn, list_text(kPerConn)));
        e.timing = r_.string(*s, "timing", false).value_or("");
        if (!e.timing.empty() && !in(e.timing, kTimings))
            r_.error(*s->get("timing"), fmt::format("timing '{}' is unknown (known: {})", e.timing, list_text(kTimings)));
        if (!e.timing.empty() && (!e.sum.empty() || !e.per_conn.empty()))
            r_.error(*s->get("timing"), "timing takes the selected ops' durations: it does not combine with sum or per_conn");
    }

    void parse_exit(const toml::table& t, record::Selection& e) {
        e.kind = record::ExpectKind::Exit;
        reject_snapshot_keys(t, "exit");
        const toml::table* s = r_.table(t, "exit", true);
        if (!s) return;
        r_.reject_unknown_keys(*s, {"process", "code"}, "exit");
        if (!s->contains("process")) r_.error(*s, "exit needs 'process'");
        parse_process_ref(*s, e);
        if (auto code = r_.integer(*s, "code", false, 0, 255)) e.exit_code = static_cast<int>(*code);
    }

    void parse_output(const toml::table& t, record::Selection& e) {
        e.kind = record::ExpectKind::Output;
        reject_snapshot_keys(t, "output");
        if (const toml::table* s = r_.table(t, "output", true)) parse_output_selection(*s, r_, names_.processes, e);
    }

    TomlReader& r_;
    const KnownNames& names_;
};

// The keys a table may have: its own, then those of a selection.
std::vector<std::string_view> keys_with_selection(std::initializer_list<std::string_view> own) {
    std::vector<std::string_view> keys(own);
    keys.insert(keys.end(), std::begin(kSelectionKeys), std::end(kSelectionKeys));
    return keys;
}

class ExpectationParser {
public:
    ExpectationParser(TomlReader& r, const KnownNames& names) : r_(r), selection_(r, names) {}

    std::vector<record::Expectation> parse(const toml::array& list) {
        int index = 0;
        for (const toml::node& node : list) {
            ++index;
            const toml::table* t = node.as_table();
            if (!t) {
                r_.error(node, "each [[expect]] entry must be a table");
                continue;
            }
            parse_one(*t, index);
        }
        check_ids_and_refs();
        return std::move(out_);
    }

private:
    void parse_one(const toml::table& t, int index) {
        static const auto keys = keys_with_selection(
            {"id", "description", "equals", "min", "max", "in", "same_as", "documented", "kernel", "when", "guard"});
        r_.reject_unknown_keys(t, keys, "[[expect]]");
        record::Expectation e;
        e.origin = r_.where(t).str();
        e.id = r_.string(t, "id", false).value_or(fmt::format("expect-{}", index));
        e.description = r_.string(t, "description", false).value_or("");
        e.kernel = r_.string(t, "kernel", false).value_or("");
        if (const toml::node* doc = t.get("documented"))
            e.documented = r_.scalar_text(*doc, "documented").value_or("");
        e.guard = r_.boolean(t, "guard", false).value_or(false);
        if (!selection_.parse(t, e, "an expectation")) return;
        parse_when(t, e);
        parse_comparison(t, e);
        if (e.description.empty()) e.description = e.id;
        out_.push_back(std::move(e));
        where_.push_back(r_.where(t));
    }

    // `when = "${sweep.syncookies} == 0"`: worked out for the cell being parsed. The string is read once,
    // so that a bad reference in it is one diagnostic, not one per reading.
    void parse_when(const toml::table& t, record::Expectation& e) {
        const toml::node* n = t.get("when");
        if (!n) return;
        auto text = r_.string(t, "when", false);
        if (!text) return;
        if (!mentions_sweep(n->value<std::string>().value_or(""))) {
            r_.error(*n, "'when' is a condition on the sweep cell, such as \"${sweep.syncookies} == 0\"; this one "
                         "names no sweep variable");
            return;
        }
        e.when = *text;
        auto holds = evaluate_arithmetic(*text);
        if (auto* problem = std::get_if<ParseError>(&holds)) r_.error(*n, fmt::format("'when': {}", problem->message));
        else e.when_holds = std::get<double>(holds) != 0;
    }

    void parse_comparison(const toml::table& t, record::Expectation& e) {
        e.equals = r_.number(t, "equals");
        e.min = r_.number(t, "min");
        e.max = r_.number(t, "max");
        if (const toml::node* range = t.get("in")) {
            const toml::array* a = range->as_array();
            if (!a || a->size() != 2) {
                r_.error(*range, "'in' must be [low, high], two numbers");
            } else {
                e.min = r_.number_at((*a)[0], "in");
                e.max = r_.number_at((*a)[1], "in");
                if (t.contains("min") || t.contains("max")) r_.error(*range, "use either 'in' or 'min'/'max', not both");
            }
        }
        e.same_as = r_.string(t, "same_as", false).value_or("");
        // Keys that are present but wrong are reported already: only a table without any comparison is this.
        if (!t.contains("equals") && !t.contains("min") && !t.contains("max") && !t.contains("same_as") && !t.contains("in"))
            r_.error(t, "an expectation needs a comparison: 'equals', 'min', 'max', 'in' or 'same_as'");
        if (e.min && e.max && *e.min > *e.max)
            r_.error(t, fmt::format("empty range: min {} is above max {}", *e.min, *e.max));
    }

    void check_ids_and_refs() {
        std::map<std::string, std::size_t> by_id;
        for (std::size_t i = 0; i < out_.size(); ++i) {
            auto [it, fresh] = by_id.emplace(out_[i].id, i);
            if (!fresh)
                r_.error(where_[i], fmt::format("expectation id '{}' is already used at {}", out_[i].id,
                                                out_[it->second].origin));
        }
        // A name that is missing is reported once, where it is written; a cycle once, at its first
        // expectation in the file. Each same_as is looked at once, so a long chain costs no more than its length.
        std::vector<std::optional<std::size_t>> target(out_.size());
        for (std::size_t i = 0; i < out_.size(); ++i) {
            if (out_[i].same_as.empty()) continue;
            if (auto it = by_id.find(out_[i].same_as); it != by_id.end())
                target[i] = it->second;
            else
                r_.error(where_[i], fmt::format("same_as '{}' names no expectation", out_[i].same_as));
        }
        for (const auto& cycle : successor_cycles(out_.size(), [&](std::size_t i) { return target[i]; })) {
            const record::Expectation& first = out_[cycle.front()];
            r_.error(where_[cycle.front()], fmt::format("same_as '{}' leads back to '{}': a cycle ({})",
                                                        first.same_as, first.id, cycle_text(cycle)));
        }
    }

    // "a → b → c → a"; a long cycle shows its first few ids and how many it leaves out.
    std::string cycle_text(const std::vector<std::size_t>& cycle) const {
        constexpr std::size_t kShown = 5;
        std::string text;
        for (std::size_t k = 0; k < cycle.size() && k < kShown; ++k) text += out_[cycle[k]].id + " → ";
        if (cycle.size() > kShown) text += fmt::format("… ({} more) → ", cycle.size() - kShown);
        return text + out_[cycle.front()].id;
    }

    TomlReader& r_;
    SelectionParser selection_;
    std::vector<record::Expectation> out_;
    std::vector<SourceLocation> where_;  // parallel to out_
};

std::vector<record::Metric> parse_metric_list(const toml::array& list, TomlReader& r, const KnownNames& names) {
    static const auto keys = keys_with_selection({"id", "description", "unit", "documented"});
    SelectionParser selection(r, names);
    std::vector<record::Metric> out;
    std::map<std::string, std::string> seen;  // id → origin
    for (const toml::node& node : list) {
        const toml::table* t = node.as_table();
        if (!t) {
            r.error(node, "each [[metric]] entry must be a table");
            continue;
        }
        r.reject_unknown_keys(*t, keys, "[[metric]]");
        record::Metric m;
        m.origin = r.where(*t).str();
        m.id = r.string(*t, "id", true).value_or("");
        if (!m.id.empty() && !is_valid_metric_id(m.id))
            r.error(*t->get("id"), fmt::format("metric id '{}' is not valid (lower-case letters, digits, '-' and '_', "
                                               "starting with a letter, at most 48 characters)",
                                               m.id));
        if (auto [it, fresh] = seen.emplace(m.id, m.origin); !fresh && !m.id.empty())
            r.error(*t, fmt::format("metric id '{}' is already used at {}", m.id, it->second));
        m.description = r.string(*t, "description", false).value_or(m.id);
        m.unit = r.string(*t, "unit", false).value_or("");
        if (const toml::node* doc = t->get("documented")) m.documented = r.scalar_text(*doc, "documented").value_or("");
        if (!selection.parse(*t, m, "a metric")) continue;
        // Timings are measured in milliseconds; a unit that says otherwise would mislabel every number.
        if (!m.timing.empty() && !m.unit.empty() && m.unit != "ms")
            r.error(*t->get("unit"), fmt::format("a timing is in milliseconds: its unit is \"ms\" (or left out), "
                                                 "not \"{}\"",
                                                 m.unit));
        if (m.unit.empty() && !m.timing.empty()) m.unit = "ms";
        out.push_back(std::move(m));
    }
    return out;
}

}  // namespace

bool is_socket_state(const std::string& state) { return in(state, kTcpStateNames); }

record::SocketSelector parse_socket_selector(const toml::table& s, TomlReader& r) {
    record::SocketSelector sel;
    sel.protocol = r.string(s, "protocol", false).value_or("tcp");
    if (sel.protocol != "tcp" && sel.protocol != "udp")
        r.error(*s.get("protocol"), fmt::format("protocol '{}' is unknown (tcp or udp)", sel.protocol));
    sel.states = r.strings(s, "state");
    for (const auto& st : sel.states)
        if (!is_socket_state(st))
            r.error(*s.get("state"), fmt::format("socket state '{}' is unknown (known: {})", st, list_text(kTcpStateNames)));
    if (auto p = r.integer(s, "local_port", false, 1, 65535)) sel.local_port = static_cast<std::uint16_t>(*p);
    if (auto p = r.integer(s, "remote_port", false, 1, 65535)) sel.remote_port = static_cast<std::uint16_t>(*p);
    return sel;
}

std::vector<record::Expectation> parse_expectations(const toml::table& root, TomlReader& reader,
                                                    const KnownNames& names) {
    const toml::array* list = reader.array(root, "expect", false);
    if (!list) return {};
    return ExpectationParser(reader, names).parse(*list);
}

std::vector<record::Metric> parse_metrics(const toml::table& root, TomlReader& reader, const KnownNames& names) {
    const toml::array* list = reader.array(root, "metric", false);
    if (!list) return {};
    return parse_metric_list(*list, reader, names);
}

bool is_valid_metric_id(std::string_view id) {
    if (id.empty() || id.size() > 48 || id.front() < 'a' || id.front() > 'z') return false;
    return std::all_of(id.begin(), id.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; });
}

}  // namespace lab::runner
