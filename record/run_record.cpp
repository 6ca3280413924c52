#include "record/run_record.hpp"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

// Optional fields are written as null and read back from null or absence.
namespace nlohmann {
template <typename T>
struct adl_serializer<std::optional<T>> {
    static void to_json(json& j, const std::optional<T>& v) {
        if (v) j = *v;
        else j = nullptr;
    }
    static void from_json(const json& j, std::optional<T>& v) {
        if (j.is_null()) v.reset();
        else v = j.get<T>();
    }
};
}  // namespace nlohmann

namespace lab::record {

bool SocketSelector::selects(const SocketEntry& s) const {
    if (!protocol.empty() && s.protocol != protocol) return false;
    if (!states.empty() && std::find(states.begin(), states.end(), s.state) == states.end()) return false;
    if (local_port && s.local_port != *local_port) return false;
    if (remote_port && s.remote_port != *remote_port) return false;
    return true;
}

std::string SocketSelector::text() const {
    std::string out = protocol.empty() ? "any" : protocol;
    if (!states.empty()) {
        out += ' ';
        for (std::size_t i = 0; i < states.size(); ++i) out += (i ? "|" : "") + states[i];
    }
    if (local_port) out += " local port " + std::to_string(*local_port);
    if (remote_port) out += " remote port " + std::to_string(*remote_port);
    return out;
}

// Written out rather than with NLOHMANN_JSON_SERIALIZE_ENUM, which reads an unknown name as the first
// enumerator: a record with "kind": "sokets" would be judged as a sockets expectation without a word.
template <typename E, std::size_t N>
static void enum_from_json(const nlohmann::json& j, E& out, const std::pair<E, const char*> (&names)[N],
                           const char* what) {
    std::string known;
    if (j.is_string()) {
        for (const auto& [value, name] : names)
            if (j.get_ref<const std::string&>() == name) {
                out = value;
                return;
            }
    }
    for (const auto& [value, name] : names) known += (known.empty() ? "" : ", ") + std::string(name);
    throw std::runtime_error(what + std::string(" ") + j.dump() + " is unknown (" + known + ")");
}

static constexpr std::pair<ExpectKind, const char*> kKindNames[] = {{ExpectKind::Sockets, "sockets"},
                                                                    {ExpectKind::Counter, "counter"},
                                                                    {ExpectKind::Events, "events"},
                                                                    {ExpectKind::Exit, "exit"},
                                                                    {ExpectKind::Output, "output"},
                                                                    {ExpectKind::Packets, "packets"},
                                                                    {ExpectKind::Series, "series"}};
static constexpr std::pair<RunOutcome, const char*> kOutcomeNames[] = {{RunOutcome::Completed, "completed"},
                                                                       {RunOutcome::TimeLimit, "time-limit"},
                                                                       {RunOutcome::Interrupted, "interrupted"},
                                                                       {RunOutcome::Error, "error"}};
static constexpr std::pair<VerdictStatus, const char*> kStatusNames[] = {{VerdictStatus::Pass, "pass"},
                                                                         {VerdictStatus::Fail, "fail"},
                                                                         {VerdictStatus::Skip, "skip"}};

static void to_json(nlohmann::json& j, ExpectKind k) {
    for (const auto& [value, name] : kKindNames)
        if (value == k) j = name;
}
static void from_json(const nlohmann::json& j, ExpectKind& k) { enum_from_json(j, k, kKindNames, "expectation kind"); }
static void to_json(nlohmann::json& j, RunOutcome o) { j = to_string(o); }
static void from_json(const nlohmann::json& j, RunOutcome& o) { enum_from_json(j, o, kOutcomeNames, "run outcome"); }
static void to_json(nlohmann::json& j, VerdictStatus s) {
    for (const auto& [value, name] : kStatusNames)
        if (value == s) j = name;
}
static void from_json(const nlohmann::json& j, VerdictStatus& s) { enum_from_json(j, s, kStatusNames, "verdict status"); }

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SocketEntry, protocol, state, local_addr, local_port, remote_addr,
                                                remote_port, recv_q, send_q, inode)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SocketCount, protocol, state, local_port, remote_port, count)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(HostView, detail, sockets, socket_counts, counters, counters_t)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Snapshot, name, t, hosts)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(StepTiming, step, origin, due_t, started_t, ended_t, released,
                                                release_spread_s, timed_out)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(AgentSample, t, values)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ProcessResult, name, instance, host, argv, pid, uid, started_t, held_t,
                                                released_t, ended_t, exit_code, signal, stopped_by_lab, stdout_path,
                                                stderr_path, series)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(OutputSelector, stream, pattern, matches, instance, per_instance)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ProcessOutput, process, instance, stream, text, bytes)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Event, process, instance, agent, group, conn, op, arg, result,
                                                errno_name, bytes, start_t, end_t, values)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ScenarioInfo, name, summary, file, source_doc, source_kernel,
                                                compression)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(HostInfo, name, netns, addresses, sysctls)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RunInfo, id, prefix, directory, started_at, wall_seconds, kernel,
                                                machine, hostname, lab_version, impairment_backend, outcome,
                                                outcome_detail, containment, time_limit_s)

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PacketSelector, link, filter, from, to)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SeriesSelector, host, metric, reduce, at_s, from_s, to_s)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CaptureFile, link, host, netns, interface, file, path, snaplen,
                                                max_bytes, packets, bytes, dropped, not_written,
                                                timeline_zero_unix_ns, problem)

// A selection's fields sit flat beside the expectation's or metric's own in the JSON object.
static void selection_to_json(nlohmann::json& j, const Selection& s) {
    j["kind"] = s.kind;
    j["at"] = s.at;
    j["host"] = s.host;
    j["protocol"] = s.sockets.protocol;
    j["states"] = s.sockets.states;
    j["local_port"] = s.sockets.local_port;
    j["remote_port"] = s.sockets.remote_port;
    j["metric"] = s.metric;
    j["counter"] = s.counter;
    j["process"] = s.process;
    j["group"] = s.group;
    j["op"] = s.op;
    j["result"] = s.result;
    j["errno_name"] = s.errno_name;
    j["exit_code"] = s.exit_code;
    j["sum"] = s.sum;
    j["per_conn"] = s.per_conn;
    j["wave"] = s.wave;
    j["timing"] = s.timing;
    j["output"] = s.output;
    if (s.kind == ExpectKind::Packets) j["packets"] = s.packets;
    if (s.kind == ExpectKind::Series) j["series"] = s.series;
}

static void selection_from_json(const nlohmann::json& j, Selection& s) {
    const Selection d;
    s.kind = j.value("kind", d.kind);
    s.at = j.value("at", d.at);
    s.host = j.value("host", d.host);
    s.sockets.protocol = j.value("protocol", d.sockets.protocol);
    s.sockets.states = j.value("states", d.sockets.states);
    s.sockets.local_port = j.value("local_port", d.sockets.local_port);
    s.sockets.remote_port = j.value("remote_port", d.sockets.remote_port);
    s.metric = j.value("metric", d.metric);
    s.counter = j.value("counter", d.counter);
    s.process = j.value("process", d.process);
    s.group = j.value("group", d.group);
    s.op = j.value("op", d.op);
    s.result = j.value("result", d.result);
    s.errno_name = j.value("errno_name", d.errno_name);
    s.exit_code = j.value("exit_code", d.exit_code);
    s.sum = j.value("sum", d.sum);
    s.per_conn = j.value("per_conn", d.per_conn);
    s.wave = j.value("wave", d.wave);
    s.timing = j.value("timing", d.timing);
    s.output = j.value("output", d.output);
    s.packets = j.value("packets", d.packets);
    s.series = j.value("series", d.series);
}

void to_json(nlohmann::json& j, const Expectation& e) {
    j = nlohmann::json{{"id", e.id}, {"description", e.description}, {"origin", e.origin}};
    selection_to_json(j, e);
    j["equals"] = e.equals;
    j["min"] = e.min;
    j["max"] = e.max;
    j["same_as"] = e.same_as;
    j["documented"] = e.documented;
    j["kernel"] = e.kernel;
    j["when"] = e.when;
    j["when_holds"] = e.when_holds;
    j["guard"] = e.guard;
}

void from_json(const nlohmann::json& j, Expectation& e) {
    const Expectation d;
    e.id = j.value("id", d.id);
    e.description = j.value("description", d.description);
    e.origin = j.value("origin", d.origin);
    selection_from_json(j, e);
    e.equals = j.value("equals", d.equals);
    e.min = j.value("min", d.min);
    e.max = j.value("max", d.max);
    e.same_as = j.value("same_as", d.same_as);
    e.documented = j.value("documented", d.documented);
    e.kernel = j.value("kernel", d.kernel);
    e.when = j.value("when", d.when);
    e.when_holds = j.value("when_holds", d.when_holds);
    e.guard = j.value("guard", d.guard);
}

void to_json(nlohmann::json& j, const Metric& m) {
    j = nlohmann::json{{"id", m.id}, {"description", m.description}, {"origin", m.origin}};
    selection_to_json(j, m);
    j["unit"] = m.unit;
    j["documented"] = m.documented;
}

void from_json(const nlohmann::json& j, Metric& m) {
    const Metric d;
    m.id = j.value("id", d.id);
    m.description = j.value("description", d.description);
    m.origin = j.value("origin", d.origin);
    selection_from_json(j, m);
    m.unit = j.value("unit", d.unit);
    m.documented = j.value("documented", d.documented);
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(MetricValue, id, value, problem)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SweepValue, name, text, number)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SweepVariable, name, values)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SweepGrid, listed, zip, points, exclude)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SweepRun, sweep, cell_id, values, repeat, repeats, variables, grid,
                                                rows, columns)

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Verdict, id, description, origin, expected, observed, documented,
                                                status, detail)

const char* to_string(ExpectKind k) {
    switch (k) {
        case ExpectKind::Sockets: return "sockets";
        case ExpectKind::Counter: return "counter";
        case ExpectKind::Events: return "events";
        case ExpectKind::Exit: return "exit";
        case ExpectKind::Output: return "output";
        case ExpectKind::Packets: return "packets";
        case ExpectKind::Series: return "series";
    }
    return "?";
}

bool outcome_is_judged(RunOutcome o) { return o == RunOutcome::Completed || o == RunOutcome::TimeLimit; }

const char* to_string(RunOutcome o) {
    for (const auto& [value, name] : kOutcomeNames)
        if (value == o) return name;
    return "?";
}

const char* to_string(VerdictStatus s) {
    switch (s) {
        case VerdictStatus::Pass: return "pass";
        case VerdictStatus::Fail: return "FAIL";
        case VerdictStatus::Skip: return "skip";
    }
    return "?";
}

nlohmann::json to_json(const RunRecord& r) {
    return nlohmann::json{{"schema", r.schema},           {"scenario", r.scenario},   {"run", r.run},
                          {"hosts", r.hosts},             {"snapshots", r.snapshots}, {"timeline", r.timeline},
                          {"processes", r.processes},
                          {"events", r.events},           {"outputs", r.outputs},
                          {"expectations", r.expectations},
                          {"verdicts", r.verdicts},       {"metrics", r.metrics},
                          {"metric_values", r.metric_values}, {"sweep", r.sweep}, {"captures", r.captures},
                          {"series", r.series}};
}

// Reads one top-level section, so that an error names where in the record it is.
template <typename T>
static void read_section(const nlohmann::json& j, const char* key, T& out, bool required) {
    auto it = j.find(key);
    if (it == j.end()) {
        if (required) throw std::runtime_error(std::string("run record: '") + key + "' is missing");
        return;
    }
    try {
        out = it->template get<T>();
    } catch (const std::exception& e) {  // nlohmann's own exceptions and our enum errors alike
        throw std::runtime_error(std::string("run record: '") + key + "': " + e.what());
    }
}

RunRecord run_record_from_json(const nlohmann::json& j) {
    if (!j.is_object()) throw std::runtime_error("run record: not a JSON object");
    auto schema_it = j.find("schema");
    std::string schema = schema_it != j.end() && schema_it->is_string() ? schema_it->get<std::string>()
                         : schema_it == j.end()                        ? std::string()
                                                                       : schema_it->dump();
    if (schema != kSchema)
        throw std::runtime_error("run record: schema is '" + schema + "', this lab reads '" + kSchema + "'");
    RunRecord r;
    read_section(j, "scenario", r.scenario, true);
    read_section(j, "run", r.run, true);
    read_section(j, "hosts", r.hosts, false);
    read_section(j, "snapshots", r.snapshots, false);
    read_section(j, "timeline", r.timeline, false);
    read_section(j, "processes", r.processes, false);
    read_section(j, "events", r.events, false);
    read_section(j, "outputs", r.outputs, false);
    read_section(j, "expectations", r.expectations, false);
    read_section(j, "verdicts", r.verdicts, false);
    read_section(j, "metrics", r.metrics, false);
    read_section(j, "metric_values", r.metric_values, false);
    read_section(j, "sweep", r.sweep, false);
    read_section(j, "captures", r.captures, false);
    read_section(j, "series", r.series, false);
    return r;
}

}  // namespace lab::record
