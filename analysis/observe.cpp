#include "analysis/observe.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace lab::analysis {
namespace {

// Why a snapshot is missing is almost always how the run ended, so the message carries it.
std::string outcome_text(const record::RunInfo& run) {
    if (run.outcome_detail.empty()) return run.outcome;
    return fmt::format("{}: {}", run.outcome, run.outcome_detail);
}

Observation missing(std::string why) { return Observation{std::nullopt, std::move(why)}; }

const record::Snapshot* find_snapshot(const record::RunRecord& r, const std::string& name) {
    auto it = std::find_if(r.snapshots.begin(), r.snapshots.end(),
                           [&](const record::Snapshot& s) { return s.name == name; });
    return it == r.snapshots.end() ? nullptr : &*it;
}

// Finds snapshot `at` and host `host` in it, or says which of the two is missing.
const record::HostView* find_view(const record::RunRecord& r, const std::string& at, const std::string& host,
                                  std::string& problem) {
    const record::Snapshot* snap = find_snapshot(r, at);
    if (!snap) {
        problem = fmt::format("snapshot '{}' was not taken (run outcome: {})", at, outcome_text(r.run));
        return nullptr;
    }
    auto it = snap->hosts.find(host);
    if (it == snap->hosts.end()) {
        std::string seen;
        for (const auto& [name, view] : snap->hosts) seen += (seen.empty() ? "" : ", ") + name;
        problem = fmt::format("host '{}' is not in snapshot '{}' (hosts there: {})", host, at,
                              seen.empty() ? "none" : seen);
        return nullptr;
    }
    return &it->second;
}

bool selected(const record::Expectation& e, const record::SocketEntry& s) {
    if (!e.protocol.empty() && s.protocol != e.protocol) return false;
    if (!e.states.empty() && std::find(e.states.begin(), e.states.end(), s.state) == e.states.end()) return false;
    if (e.local_port && s.local_port != *e.local_port) return false;
    if (e.remote_port && s.remote_port != *e.remote_port) return false;
    return true;
}

Observation observe_sockets(const record::RunRecord& r, const record::Expectation& e) {
    std::string problem;
    const record::HostView* view = find_view(r, e.at, e.host, problem);
    if (!view) return missing(problem);
    if (e.metric != "count" && e.metric != "recv_q" && e.metric != "send_q")
        return missing(fmt::format("metric '{}' is unknown (count, recv_q or send_q)", e.metric));
    double sum = 0;
    for (const record::SocketEntry& s : view->sockets) {
        if (!selected(e, s)) continue;
        if (e.metric == "count") sum += 1;
        else if (e.metric == "recv_q") sum += s.recv_q;
        else sum += s.send_q;
    }
    return Observation{sum, {}};
}

Observation observe_counter(const record::RunRecord& r, const record::Expectation& e) {
    std::string problem;
    const record::HostView* end_view = find_view(r, e.at, e.host, problem);
    if (!end_view) return missing(problem);
    const record::HostView* start_view = find_view(r, "start", e.host, problem);
    if (!start_view) return missing(problem);
    // An empty map means the files were not read at all, which is not the kernel's doing.
    if (end_view->counters.empty())
        return missing(fmt::format("no counters were read on host '{}' in snapshot '{}'", e.host, e.at));
    auto end_it = end_view->counters.find(e.counter);
    if (end_it == end_view->counters.end())
        return missing(fmt::format("counter {} is not reported by this kernel", e.counter));
    auto start_it = start_view->counters.find(e.counter);
    if (start_it == start_view->counters.end())
        return missing(fmt::format("counter {} was not read in snapshot 'start' on host '{}'", e.counter, e.host));
    return Observation{static_cast<double>(end_it->second - start_it->second), {}};
}

bool matches(const std::string& wanted, const std::string& have) { return wanted.empty() || wanted == have; }

Observation observe_events(const record::RunRecord& r, const record::Expectation& e) {
    auto n = std::count_if(r.events.begin(), r.events.end(), [&](const record::Event& ev) {
        return matches(e.process, ev.process) && matches(e.group, ev.group) && matches(e.op, ev.op) &&
               matches(e.result, ev.result) && matches(e.errno_name, ev.errno_name);
    });
    return Observation{static_cast<double>(n), {}};
}

Observation observe_exit(const record::RunRecord& r, const record::Expectation& e) {
    auto n = std::count_if(r.processes.begin(), r.processes.end(), [&](const record::ProcessResult& p) {
        if (!matches(e.process, p.name) || !p.exit_code) return false;
        return !e.exit_code || *p.exit_code == *e.exit_code;
    });
    return Observation{static_cast<double>(n), {}};
}

}  // namespace

Observation observe(const record::RunRecord& r, const record::Expectation& e) {
    switch (e.kind) {
        case record::ExpectKind::Sockets: return observe_sockets(r, e);
        case record::ExpectKind::Counter: return observe_counter(r, e);
        case record::ExpectKind::Events: return observe_events(r, e);
        case record::ExpectKind::Exit: return observe_exit(r, e);
    }
    return missing("unknown expectation kind");
}

}  // namespace lab::analysis
