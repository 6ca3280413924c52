#include "record/run_record.hpp"

#include <stdexcept>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lab::record {
namespace {

using ::testing::HasSubstr;

// Every field set to something other than its default, and each optional both set and unset somewhere,
// so a field the writer or the reader forgets shows up as a difference.
RunRecord full_record() {
    RunRecord r;
    r.scenario = {"backlog-30-netcat", "listener never accepts", "scenarios/backlog-30-netcat.toml", "001", "2.6.26",
                  "180 s wait shortened to 3 s"};
    r.run.id = "20250101-120000-ab12";
    r.run.prefix = "lab-ab12";
    r.run.directory = "/var/tmp/lab/runs/ab12";
    r.run.started_at = "2025-01-01T12:00:00Z";
    r.run.wall_seconds = 4.25;
    r.run.kernel = "6.18.44-fc-v669";
    r.run.machine = "x86_64";
    r.run.hostname = "box";
    r.run.lab_version = "0.1.0";
    r.run.impairment_backend = "netem";
    r.run.outcome = RunOutcome::TimeLimit;
    r.run.outcome_detail = "60s reached";
    r.run.time_limit_s = 60;
    r.hosts = {{"server", "lab-ab12-server", {"198.18.0.1/24"}, {{"net.ipv4.tcp_synack_retries", "2"}}}};

    SocketEntry s{"tcp", "established", "198.18.0.1", 7000, "198.18.0.2", 40001, 17, 4096, 123456789012ULL};
    r.snapshots = {{"start", 0.0, {{"server", {{}, {{"TcpExt.ListenOverflows", 10}}, -0.02}}}},
                   {"steady", 3.5, {{"server", {{s}, {{"TcpExt.ListenOverflows", -5}}, 3.75}}}}};
    r.timeline = {{"run 'nc' ×100", "scenarios/x.toml:20:1", 0.6, 0.61, 1.9}, {"snapshot 'steady'", "scenarios/x.toml:23:1", 2.5, 3.5, 3.6}};
    r.timeline[0].timed_out = true;

    ProcessResult done;
    done.name = "nc";
    done.instance = 3;
    done.host = "client";
    done.argv = {"nc", "-w", "20", "198.18.0.1", "7000"};
    done.pid = 4242;
    done.started_t = 0.5;
    done.ended_t = 2.75;
    done.exit_code = 1;
    done.stdout_path = "nc.3.out";
    done.stderr_path = "nc.3.err";
    ProcessResult killed;
    killed.name = "srv";
    killed.signal = 15;
    killed.stopped_by_lab = true;
    r.processes = {done, killed};

    Event ev;
    ev.process = "cli";
    ev.instance = 2;
    ev.agent = "client";
    ev.group = "late";
    ev.conn = 7;
    ev.op = "recv";
    ev.arg = "timeout=1s";
    ev.result = "error";
    ev.errno_name = "ECONNRESET";
    ev.bytes = 1 << 20;
    ev.start_t = 1.25;
    ev.end_t = 1.5;
    ev.values = {{"datagrams", 250}, {"drops", 3}};
    r.events = {ev};

    Expectation e;
    e.id = "overflows";
    e.description = "overflows counted";
    e.origin = "scenarios/x.toml:41:1";
    e.kind = ExpectKind::Counter;
    e.at = "steady";
    e.host = "server";
    e.sockets.protocol = "udp";
    e.sockets.states = {"established", "syn-recv"};
    e.sockets.local_port = 7000;
    e.metric = "recv_q";
    e.counter = "TcpExt.ListenOverflows";
    e.process = "nc";
    e.group = "g";
    e.op = "connect";
    e.result = "timeout";
    e.errno_name = "ETIMEDOUT";
    e.exit_code = 0;
    e.sum = {"datagrams", "drops"};
    e.per_conn = "max";
    e.wave = 1;
    e.timing = "p99";
    e.min = 0.5;
    e.guard = true;
    e.same_as = "other";
    e.documented = "31";
    e.kernel = ">=4.4";
    Expectation bare;
    bare.id = "bare";
    bare.kind = ExpectKind::Exit;
    bare.sockets.remote_port = 40001;
    bare.equals = 3;
    bare.max = 4;
    r.expectations = {e, bare};

    Verdict v{"overflows", "overflows counted", "scenarios/x.toml:41:1", "≥ 0.5", "69", "31", VerdictStatus::Fail,
              "observed 69, expected ≥ 0.5"};
    r.verdicts = {v};

    Metric m;
    m.id = "time-to-reset";
    m.description = "how long recv() waited for ECONNRESET";
    m.origin = "scenarios/x.toml:60:1";
    m.kind = ExpectKind::Events;
    m.process = "cli";
    m.op = "recv";
    m.errno_name = "ECONNRESET";
    m.timing = "p50";
    m.unit = "ms";
    m.documented = "about 1 s";
    r.metrics = {m};
    r.metric_values = {{"time-to-reset", 1003.5, ""}, {"gone", std::nullopt, "no events matched"}};

    SweepRun sweep;
    sweep.sweep = "backlog-vs-retries";
    sweep.cell_id = "c0ffee123456";
    sweep.values = {{"backlog", "30", 30}, {"delay", "25ms", std::nullopt}};
    sweep.repeat = 2;
    sweep.repeats = 3;
    sweep.variables = {{"backlog", {"1", "30"}}, {"delay", {"0ms", "25ms"}}};
    sweep.rows = "delay";
    sweep.columns = "backlog";
    r.sweep = sweep;
    return r;
}

RunRecord round_trip(const RunRecord& r) { return run_record_from_json(nlohmann::json::parse(to_json(r).dump())); }

void expect_same(const Expectation& a, const Expectation& b) {
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.description, b.description);
    EXPECT_EQ(a.origin, b.origin);
    EXPECT_EQ(a.kind, b.kind);
    EXPECT_EQ(a.at, b.at);
    EXPECT_EQ(a.host, b.host);
    EXPECT_EQ(a.sockets.protocol, b.sockets.protocol);
    EXPECT_EQ(a.sockets.states, b.sockets.states);
    EXPECT_EQ(a.sockets.local_port, b.sockets.local_port);
    EXPECT_EQ(a.sockets.remote_port, b.sockets.remote_port);
    EXPECT_EQ(a.metric, b.metric);
    EXPECT_EQ(a.counter, b.counter);
    EXPECT_EQ(a.process, b.process);
    EXPECT_EQ(a.group, b.group);
    EXPECT_EQ(a.op, b.op);
    EXPECT_EQ(a.result, b.result);
    EXPECT_EQ(a.errno_name, b.errno_name);
    EXPECT_EQ(a.exit_code, b.exit_code);
    EXPECT_EQ(a.sum, b.sum);
    EXPECT_EQ(a.per_conn, b.per_conn);
    EXPECT_EQ(a.wave, b.wave);
    EXPECT_EQ(a.timing, b.timing);
    EXPECT_EQ(a.guard, b.guard);
    EXPECT_EQ(a.equals, b.equals);
    EXPECT_EQ(a.min, b.min);
    EXPECT_EQ(a.max, b.max);
    EXPECT_EQ(a.same_as, b.same_as);
    EXPECT_EQ(a.documented, b.documented);
    EXPECT_EQ(a.kernel, b.kernel);
}

TEST(RunRecordJson, RoundTripKeepsEveryField) {
    const RunRecord a = full_record();
    const RunRecord b = round_trip(a);

    EXPECT_EQ(b.schema, kSchema);
    EXPECT_EQ(b.scenario.name, a.scenario.name);
    EXPECT_EQ(b.scenario.summary, a.scenario.summary);
    EXPECT_EQ(b.scenario.file, a.scenario.file);
    EXPECT_EQ(b.scenario.source_doc, "001");
    EXPECT_EQ(b.scenario.source_kernel, "2.6.26");
    EXPECT_EQ(b.scenario.compression, a.scenario.compression);

    EXPECT_EQ(b.run.id, a.run.id);
    EXPECT_EQ(b.run.prefix, a.run.prefix);
    EXPECT_EQ(b.run.directory, a.run.directory);
    EXPECT_EQ(b.run.started_at, a.run.started_at);
    EXPECT_EQ(b.run.wall_seconds, 4.25);
    EXPECT_EQ(b.run.kernel, "6.18.44-fc-v669");
    EXPECT_EQ(b.run.machine, "x86_64");
    EXPECT_EQ(b.run.hostname, "box");
    EXPECT_EQ(b.run.lab_version, "0.1.0");
    EXPECT_EQ(b.run.impairment_backend, "netem");
    EXPECT_EQ(b.run.outcome, RunOutcome::TimeLimit);
    EXPECT_EQ(b.run.outcome_detail, "60s reached");
    EXPECT_EQ(b.run.time_limit_s, 60);

    ASSERT_EQ(b.hosts.size(), 1u);
    EXPECT_EQ(b.hosts[0].name, "server");
    EXPECT_EQ(b.hosts[0].netns, "lab-ab12-server");
    EXPECT_EQ(b.hosts[0].addresses, std::vector<std::string>{"198.18.0.1/24"});
    EXPECT_EQ(b.hosts[0].sysctls.at("net.ipv4.tcp_synack_retries"), "2");

    ASSERT_EQ(b.timeline.size(), 2u);
    EXPECT_EQ(b.timeline[0].step, "run 'nc' ×100");
    EXPECT_EQ(b.timeline[1].origin, "scenarios/x.toml:23:1");
    EXPECT_EQ(b.timeline[1].due_t, 2.5);
    EXPECT_EQ(b.timeline[1].started_t, 3.5);
    EXPECT_EQ(b.timeline[1].ended_t, 3.6);
    EXPECT_TRUE(b.timeline[0].timed_out);
    EXPECT_FALSE(b.timeline[1].timed_out);

    ASSERT_EQ(b.snapshots.size(), 2u);
    EXPECT_EQ(b.snapshots[1].name, "steady");
    EXPECT_EQ(b.snapshots[1].t, 3.5);
    const HostView& view = b.snapshots[1].hosts.at("server");
    EXPECT_EQ(view.counters.at("TcpExt.ListenOverflows"), -5);
    EXPECT_EQ(view.counters_t, 3.75);
    EXPECT_EQ(b.snapshots[0].hosts.at("server").counters_t, -0.02);
    ASSERT_EQ(view.sockets.size(), 1u);
    const SocketEntry& s = view.sockets[0];
    EXPECT_EQ(s.protocol, "tcp");
    EXPECT_EQ(s.state, "established");
    EXPECT_EQ(s.local_addr, "198.18.0.1");
    EXPECT_EQ(s.local_port, 7000);
    EXPECT_EQ(s.remote_addr, "198.18.0.2");
    EXPECT_EQ(s.remote_port, 40001);
    EXPECT_EQ(s.recv_q, 17u);
    EXPECT_EQ(s.send_q, 4096u);
    EXPECT_EQ(s.inode, 123456789012ULL);
    EXPECT_TRUE(b.snapshots[0].hosts.at("server").sockets.empty());

    ASSERT_EQ(b.processes.size(), 2u);
    const ProcessResult& p = b.processes[0];
    EXPECT_EQ(p.name, "nc");
    EXPECT_EQ(p.instance, 3);
    EXPECT_EQ(p.host, "client");
    EXPECT_EQ(p.argv, a.processes[0].argv);
    EXPECT_EQ(p.pid, 4242);
    EXPECT_EQ(p.started_t, 0.5);
    EXPECT_EQ(p.ended_t, 2.75);
    EXPECT_EQ(p.exit_code, 1);
    EXPECT_EQ(p.signal, std::nullopt);
    EXPECT_FALSE(p.stopped_by_lab);
    EXPECT_EQ(p.stdout_path, "nc.3.out");
    EXPECT_EQ(p.stderr_path, "nc.3.err");
    const ProcessResult& k = b.processes[1];
    EXPECT_EQ(k.ended_t, std::nullopt);
    EXPECT_EQ(k.exit_code, std::nullopt);
    EXPECT_EQ(k.signal, 15);
    EXPECT_TRUE(k.stopped_by_lab);

    ASSERT_EQ(b.events.size(), 1u);
    const Event& ev = b.events[0];
    EXPECT_EQ(ev.process, "cli");
    EXPECT_EQ(ev.instance, 2);
    EXPECT_EQ(ev.agent, "client");
    EXPECT_EQ(ev.group, "late");
    EXPECT_EQ(ev.conn, 7);
    EXPECT_EQ(ev.op, "recv");
    EXPECT_EQ(ev.arg, "timeout=1s");
    EXPECT_EQ(ev.result, "error");
    EXPECT_EQ(ev.errno_name, "ECONNRESET");
    EXPECT_EQ(ev.bytes, 1 << 20);
    EXPECT_EQ(ev.start_t, 1.25);
    EXPECT_EQ(ev.end_t, 1.5);
    EXPECT_EQ(ev.values, (std::map<std::string, double>{{"datagrams", 250}, {"drops", 3}}));

    ASSERT_EQ(b.expectations.size(), 2u);
    expect_same(b.expectations[0], a.expectations[0]);
    expect_same(b.expectations[1], a.expectations[1]);
    EXPECT_EQ(b.expectations[1].sockets.local_port, std::nullopt);
    EXPECT_EQ(b.expectations[1].min, std::nullopt);

    ASSERT_EQ(b.verdicts.size(), 1u);
    const Verdict& v = b.verdicts[0];
    EXPECT_EQ(v.id, "overflows");
    EXPECT_EQ(v.description, "overflows counted");
    EXPECT_EQ(v.origin, "scenarios/x.toml:41:1");
    EXPECT_EQ(v.expected, "≥ 0.5");
    EXPECT_EQ(v.observed, "69");
    EXPECT_EQ(v.documented, "31");
    EXPECT_EQ(v.status, VerdictStatus::Fail);
    EXPECT_EQ(v.detail, "observed 69, expected ≥ 0.5");

    ASSERT_EQ(b.metrics.size(), 1u);
    const Metric& m = b.metrics[0];
    EXPECT_EQ(m.id, "time-to-reset");
    EXPECT_EQ(m.description, a.metrics[0].description);
    EXPECT_EQ(m.origin, "scenarios/x.toml:60:1");
    EXPECT_EQ(m.kind, ExpectKind::Events);
    EXPECT_EQ(m.process, "cli");
    EXPECT_EQ(m.op, "recv");
    EXPECT_EQ(m.errno_name, "ECONNRESET");
    EXPECT_EQ(m.timing, "p50");
    EXPECT_EQ(m.unit, "ms");
    EXPECT_EQ(m.documented, "about 1 s");
    ASSERT_EQ(b.metric_values.size(), 2u);
    EXPECT_EQ(b.metric_values[0].id, "time-to-reset");
    EXPECT_EQ(b.metric_values[0].value, 1003.5);
    EXPECT_EQ(b.metric_values[1].value, std::nullopt);
    EXPECT_EQ(b.metric_values[1].problem, "no events matched");

    ASSERT_TRUE(b.sweep.has_value());
    EXPECT_EQ(b.sweep->sweep, "backlog-vs-retries");
    EXPECT_EQ(b.sweep->cell_id, "c0ffee123456");
    ASSERT_EQ(b.sweep->values.size(), 2u);
    EXPECT_EQ(b.sweep->values[0].name, "backlog");
    EXPECT_EQ(b.sweep->values[0].text, "30");
    EXPECT_EQ(b.sweep->values[0].number, 30);
    EXPECT_EQ(b.sweep->values[1].text, "25ms");
    EXPECT_EQ(b.sweep->values[1].number, std::nullopt);
    EXPECT_EQ(b.sweep->repeat, 2);
    EXPECT_EQ(b.sweep->repeats, 3);
    ASSERT_EQ(b.sweep->variables.size(), 2u);
    EXPECT_EQ(b.sweep->variables[1].name, "delay");
    EXPECT_EQ(b.sweep->variables[1].values, (std::vector<std::string>{"0ms", "25ms"}));
    EXPECT_EQ(b.sweep->rows, "delay");
    EXPECT_EQ(b.sweep->columns, "backlog");
}

TEST(RunRecordJson, EnumsAndOptionalsAreWrittenReadably) {
    nlohmann::json j = to_json(full_record());
    EXPECT_EQ(j["schema"], "lab.run-record/1");
    EXPECT_EQ(j["expectations"][0]["kind"], "counter");
    EXPECT_EQ(j["expectations"][1]["kind"], "exit");
    EXPECT_EQ(j["verdicts"][0]["status"], "fail");
    EXPECT_TRUE(j["processes"][1]["exit_code"].is_null());
    EXPECT_TRUE(j["processes"][1]["ended_t"].is_null());
    EXPECT_EQ(j["processes"][1]["signal"], 15);
    EXPECT_TRUE(j["expectations"][1]["min"].is_null());
    EXPECT_EQ(j["expectations"][0]["local_port"], 7000);
}

TEST(RunRecordJson, AbsentOptionalsAndSectionsReadAsUnset) {
    nlohmann::json j = to_json(full_record());
    j["processes"][0].erase("ended_t");
    j["processes"][0].erase("exit_code");
    j["expectations"][0].erase("local_port");
    j["expectations"][0].erase("min");
    j["expectations"][1].erase("equals");
    j.erase("events");
    j.erase("verdicts");
    j.erase("metrics");
    j.erase("sweep");  // records written before sweeps existed
    RunRecord r = run_record_from_json(j);
    EXPECT_EQ(r.processes[0].ended_t, std::nullopt);
    EXPECT_EQ(r.processes[0].exit_code, std::nullopt);
    EXPECT_EQ(r.processes[0].pid, 4242);  // the rest of the entry is still read
    EXPECT_EQ(r.expectations[0].sockets.local_port, std::nullopt);
    EXPECT_EQ(r.expectations[0].min, std::nullopt);
    EXPECT_EQ(r.expectations[1].equals, std::nullopt);
    EXPECT_EQ(r.expectations[1].max, 4);
    EXPECT_TRUE(r.events.empty());
    EXPECT_TRUE(r.verdicts.empty());
    EXPECT_TRUE(r.metrics.empty());
    EXPECT_FALSE(r.sweep.has_value());
}

TEST(RunRecordJson, AbsentFieldsTakeTheirDefaults) {
    nlohmann::json j = {{"schema", kSchema}, {"scenario", {{"name", "x"}}}, {"run", nlohmann::json::object()},
                        {"expectations", {{{"id", "e"}}}}};
    RunRecord r = run_record_from_json(j);
    EXPECT_EQ(r.scenario.name, "x");
    EXPECT_EQ(r.run.outcome, RunOutcome::Completed);
    EXPECT_EQ(r.run.impairment_backend, "none");
    ASSERT_EQ(r.expectations.size(), 1u);
    EXPECT_EQ(r.expectations[0].kind, ExpectKind::Sockets);
    EXPECT_EQ(r.expectations[0].at, "end");
    EXPECT_EQ(r.expectations[0].sockets.protocol, "tcp");
    EXPECT_EQ(r.expectations[0].metric, "count");
}

std::string error_of(const nlohmann::json& j) {
    try {
        run_record_from_json(j);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST(RunRecordJson, WrongSchemaIsAnError) {
    nlohmann::json j = to_json(full_record());
    j["schema"] = "lab.run-record/2";
    EXPECT_EQ(error_of(j), "run record: schema is 'lab.run-record/2', this lab reads 'lab.run-record/1'");
    j["schema"] = 1;
    EXPECT_EQ(error_of(j), "run record: schema is '1', this lab reads 'lab.run-record/1'");
    j.erase("schema");
    EXPECT_EQ(error_of(j), "run record: schema is '', this lab reads 'lab.run-record/1'");
    EXPECT_EQ(error_of(nlohmann::json::array()), "run record: not a JSON object");
}

TEST(RunRecordJson, BadSectionsAreNamed) {
    nlohmann::json j = to_json(full_record());
    j.erase("run");
    EXPECT_EQ(error_of(j), "run record: 'run' is missing");

    j = to_json(full_record());
    j["snapshots"] = "steady";
    EXPECT_THAT(error_of(j), HasSubstr("run record: 'snapshots': "));

    j = to_json(full_record());
    j["processes"][0]["pid"] = "4242";
    EXPECT_THAT(error_of(j), HasSubstr("run record: 'processes': "));
}

TEST(RunRecordJson, UnknownEnumNamesAreErrorsNotDefaults) {
    nlohmann::json j = to_json(full_record());
    j["expectations"][0]["kind"] = "sokets";
    EXPECT_EQ(error_of(j),
              "run record: 'expectations': expectation kind \"sokets\" is unknown (sockets, counter, events, exit, output, packets, series)");
    j = to_json(full_record());
    j["verdicts"][0]["status"] = 2;
    EXPECT_EQ(error_of(j), "run record: 'verdicts': verdict status 2 is unknown (pass, fail, skip)");
}

TEST(RunRecordNames, ToString) {
    EXPECT_STREQ(to_string(ExpectKind::Events), "events");
    EXPECT_STREQ(to_string(VerdictStatus::Pass), "pass");
    EXPECT_STREQ(to_string(VerdictStatus::Fail), "FAIL");
    EXPECT_STREQ(to_string(VerdictStatus::Skip), "skip");
}

TEST(SocketSelector, EveryGivenFieldMustMatchAndUnsetOnesMatchAnything) {
    SocketEntry s;
    s.protocol = "tcp";
    s.state = "syn-sent";
    s.local_port = 40000;
    s.remote_port = 9999;
    SocketSelector any;
    EXPECT_TRUE(any.selects(s));
    SocketSelector sel;
    sel.states = {"established", "syn-sent"};
    sel.remote_port = 9999;
    EXPECT_TRUE(sel.selects(s));
    sel.local_port = 40001;
    EXPECT_FALSE(sel.selects(s));
    sel.local_port.reset();
    sel.protocol = "udp";
    EXPECT_FALSE(sel.selects(s));
    sel.protocol = "tcp";
    sel.states = {"established"};
    EXPECT_FALSE(sel.selects(s));
}

TEST(SocketSelector, TextNamesWhatItSelects) {
    SocketSelector sel;
    EXPECT_EQ(sel.text(), "tcp");
    sel.states = {"established", "syn-sent"};
    sel.remote_port = 9999;
    EXPECT_EQ(sel.text(), "tcp established|syn-sent remote port 9999");
    sel.protocol = "udp";
    sel.states.clear();
    sel.remote_port.reset();
    sel.local_port = 53;
    EXPECT_EQ(sel.text(), "udp local port 53");
}

}  // namespace
}  // namespace lab::record
