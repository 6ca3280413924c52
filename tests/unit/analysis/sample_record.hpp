#pragma once
// A hand-built record of the classic case: a listener with backlog 30 that never accepts, 100 netcat
// clients. The numbers are chosen so that every selector gives a different answer.
#include <string>
#include <vector>

#include "record/run_record.hpp"

namespace lab::analysis::test {

inline record::SocketEntry tcp(std::string state, std::uint16_t lport, std::uint16_t rport, std::uint32_t recv_q = 0,
                               std::uint32_t send_q = 0) {
    record::SocketEntry s;
    s.protocol = "tcp";
    s.state = std::move(state);
    s.local_addr = "198.18.0.1";
    s.local_port = lport;
    s.remote_addr = rport ? "198.18.0.2" : "0.0.0.0";
    s.remote_port = rport;
    s.recv_q = recv_q;
    s.send_q = send_q;
    return s;
}

// server at "steady": 1 listener (accept queue 31, backlog 30), 31 established (two with 100 bytes
// unread), 2 syn-recv, 1 udp socket on the same port. Counters move 10 → 79 → 150 over start/steady/end.
inline record::RunRecord sample_record() {
    record::RunRecord r;
    r.scenario.name = "backlog-30-netcat";
    r.scenario.summary = "listener with backlog 30 never accepts; 100 netcat clients connect";
    r.scenario.file = "scenarios/backlog-30-netcat.toml";
    r.scenario.source_doc = "001";
    r.scenario.source_kernel = "2.6.26";
    r.run.id = "r1";
    r.run.directory = "/var/tmp/lab/runs/r1";
    r.run.kernel = "6.18.44-fc-v669";
    r.run.machine = "x86_64";
    r.run.impairment_backend = "netem";
    r.run.outcome = record::RunOutcome::Completed;
    r.run.wall_seconds = 4.2317;

    auto server_view = [](std::int64_t overflows, bool busy) {
        record::HostView v;
        v.sockets.push_back(tcp("listen", 7000, 0, busy ? 31 : 0, 30));
        if (busy) {
            for (int i = 0; i < 31; ++i)
                v.sockets.push_back(tcp("established", 7000, static_cast<std::uint16_t>(40000 + i), i < 2 ? 100 : 0));
            v.sockets.push_back(tcp("syn-recv", 7000, 41000));
            v.sockets.push_back(tcp("syn-recv", 7000, 41001));
            record::SocketEntry udp;
            udp.protocol = "udp";
            udp.state = "close";
            udp.local_port = 7000;
            udp.recv_q = 512;
            v.sockets.push_back(udp);
        }
        v.counters = {{"TcpExt.ListenOverflows", overflows}, {"TcpExt.ListenDrops", overflows}, {"Tcp.ActiveOpens", 0}};
        return v;
    };
    record::HostView client;
    client.counters = {{"Tcp.ActiveOpens", 0}};

    record::Snapshot start{"start", 0.0, {{"server", server_view(10, false)}, {"client", client}}};
    client.counters["Tcp.ActiveOpens"] = 100;
    record::Snapshot steady{"steady", 3.0, {{"server", server_view(79, true)}, {"client", client}}};
    record::Snapshot end{"end", 20.0, {{"server", server_view(150, true)}, {"client", client}}};
    r.snapshots = {start, steady, end};

    record::ProcessResult srv;
    srv.name = "srv";
    srv.host = "server";
    srv.signal = 15;
    srv.stopped_by_lab = true;
    r.processes.push_back(srv);
    for (int i = 0; i < 100; ++i) {
        record::ProcessResult nc;
        nc.name = "nc";
        nc.instance = i;
        nc.host = "client";
        if (i < 31) nc.exit_code = 0;
        else if (i < 91) nc.exit_code = 1;
        else {
            nc.signal = 15;
            nc.stopped_by_lab = true;
        }
        r.processes.push_back(nc);
    }

    auto event = [](std::string process, std::string group, std::string op, std::string result, std::string err) {
        record::Event e;
        e.process = std::move(process);
        e.group = std::move(group);
        e.op = std::move(op);
        e.result = std::move(result);
        e.errno_name = std::move(err);
        return e;
    };
    for (int i = 0; i < 7; ++i) r.events.push_back(event("cli", "early", "connect", "ok", ""));
    for (int i = 0; i < 5; ++i) r.events.push_back(event("cli", "early", "send", "error", "ECONNRESET"));
    for (int i = 0; i < 3; ++i) r.events.push_back(event("cli", "late", "connect", "timeout", "ETIMEDOUT"));
    r.events.push_back(event("other", "late", "connect", "timeout", "ETIMEDOUT"));
    return r;
}

// An expectation with only what a test sets; the comparison is added by the caller.
inline record::Expectation sockets_expect(std::string id, std::string at, std::string host,
                                          std::vector<std::string> states) {
    record::Expectation e;
    e.id = id;
    e.description = id;
    e.origin = "scenarios/backlog-30-netcat.toml:40:1";
    e.kind = record::ExpectKind::Sockets;
    e.at = std::move(at);
    e.host = std::move(host);
    e.sockets.states = std::move(states);
    return e;
}

}  // namespace lab::analysis::test
