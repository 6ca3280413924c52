#include "runner/scenario_run.hpp"

#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <thread>
#include <utility>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/errno_name.hpp"
#include "runner/agent_events.hpp"
#include "runner/agent_series.hpp"
#include "runner/control_socket.hpp"
#include "runner/host_view.hpp"
#include "runner/kept_output.hpp"
#include "runner/link_capture.hpp"
#include "runner/link_shaper.hpp"
#include "runner/run_owner.hpp"
#include "runner/run_plan.hpp"
#include "runner/sample_parser.hpp"
#include "runner/series_sampler.hpp"
#include "runner/socket_count_text.hpp"
#include "runner/socket_tally.hpp"
#include "runner/sysctl.hpp"
#include "runner/topology.hpp"
#include "sys/cgroup.hpp"
#include "sys/connect_gate.hpp"
#include "sys/connection_commands.hpp"
#include "sys/realtime_priority.hpp"
#include "sys/signal_mask.hpp"
#include "sys/process.hpp"

using Clock = std::chrono::steady_clock;

namespace lab::runner {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(5);
// A sock_diag dump of a few hundred sockets costs about a millisecond; 10 ms keeps a waiting run light.
constexpr auto kSocketPollInterval = std::chrono::milliseconds(10);
constexpr auto kStopGrace = std::chrono::milliseconds(1000);
// How long prestarted copies may take to reach their first connect or send. An emulated guest starts
// about 20 programs a second, and their set-up runs on top of that.
constexpr auto kPrestartAllowance = std::chrono::seconds(60);

// Settings every record shows for every host, set or not: they decide what the backlog cases do.
const char* const kReportedSysctls[] = {
    "net.core.somaxconn",         "net.ipv4.tcp_max_syn_backlog", "net.ipv4.tcp_syncookies",
    "net.ipv4.tcp_synack_retries", "net.ipv4.tcp_syn_retries",    "net.ipv4.tcp_abort_on_overflow",
};

struct Instance {
    record::ProcessResult result;
    std::string stdout_name;  // in the run's processes/ directory
    std::optional<sys::Process> process;
    bool agent = false;
    bool prestarted = false;  // held at the connect gate until its step
    Clock::time_point started_at;
};

std::string utc_now_iso() {
    auto now = std::chrono::system_clock::now();
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(std::chrono::system_clock::to_time_t(now)));
}

std::string utc_stamp() {
    auto now = std::chrono::system_clock::now();
    return fmt::format("{:%Y%m%d-%H%M%S}", fmt::gmtime(std::chrono::system_clock::to_time_t(now)));
}

std::int64_t monotonic_ns(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

std::string planned_directory_path(const Scenario& s, const RunOptions& o, const std::string& stamp_id) {
    if (!o.run_name.empty()) return (o.out->path() / o.run_name).string();
    return (o.out->path() / s.name / stamp_id).string();
}

// One run, from its claimed id to its torn-down lab. The members below the record are what the run holds
// in the kernel, declared in the order they are built; teardown() (and the destructor) release them in
// reverse: the processes first, then the shaper's own, then anything left in the run's cgroup (what the
// programs started), then the namespaces (killing whatever is still inside them), the marker last.
class TimelineRun {
public:
    TimelineRun(const Scenario& s, const RunOptions& o)
        : s_(s), o_(o), owner_(RunOwnership::claim_new_id()), stamp_id_(fmt::format("{}-{}", utc_stamp(), owner_.run_id())) {
        const ImpairmentBackend backend = shaped() ? resolve_backend(o_.impairments) : ImpairmentBackend::Auto;
        backend_ = backend;
        plan_ = make_plan(s_, owner_.run_id(), planned_directory_path(s_, o_, stamp_id_), o_.agent_dir, middle_for(backend));
    }
    TimelineRun(const TimelineRun&) = delete;
    TimelineRun& operator=(const TimelineRun&) = delete;
    ~TimelineRun() { teardown(); }

    RunResult run() {
        const auto wall_start = Clock::now();
        sys::Directory dir = o_.run_name.empty()
                                 ? o_.out->subdirectory(s_.name, 0755).create_subdirectory(stamp_id_, 0755)
                                 : o_.out->create_subdirectory(o_.run_name, 0755);
        processes_dir_ = dir.create_subdirectory("processes", 0755);
        run_dir_ = dir.duplicate();
        fill_header();
        try {
            play_whole_run();
        } catch (const std::exception& e) {
            // An interrupt that lands before the timeline (while prestarted copies start, say) stops the
            // run there: it is interrupted, not an error, so `lab sweep --resume` plays it again.
            if (interrupted()) {
                rec_.run.outcome = record::RunOutcome::Interrupted;
                add_outcome_detail(fmt::format("signal {}: {}", o_.interrupt->load(), e.what()));
            } else {
                rec_.run.outcome = record::RunOutcome::Error;
                add_outcome_detail(e.what());
            }
            instances_.clear();
            finish_captures();
            teardown();
        }
        rec_.run.wall_seconds = std::chrono::duration<double>(Clock::now() - wall_start).count();
        return RunResult{std::move(rec_), std::move(dir)};
    }

private:
    bool shaped() const {
        return std::any_of(s_.links.begin(), s_.links.end(), [](const LinkSpec& l) { return l.shaped; });
    }

    void play_whole_run() {
        topology_.emplace(Topology::build(plan_.topology));
        control_.emplace(ControlSocket::open(owner_.run_id()));
        std::string why;
        if (auto cgroup = sys::RunCgroup::create(owner_.run_id(), &why)) cgroup_.emplace(std::move(*cgroup));
        rec_.run.containment = cgroup_ ? fmt::format("cgroup {}", cgroup_->path())
                                       : fmt::format("network namespaces ({})", why);
        if (shaped())
            shaper_ = start_link_shaper(backend_, ShaperContext{s_, *topology_, owner_.run_id(), *processes_dir_,
                                                                o_.agent_dir + "/lab-wire", cgroup_procs_fd()});
        start_captures();
        read_back_sysctls();
        prestart_processes();
        // The clock starts after the start snapshot: on a loaded machine a snapshot of many hosts can
        // take half a second, which must not come out of the time between the first steps.
        t0_ = Clock::now();
        take_snapshot("start");
        const Clock::time_point first_t0 = std::exchange(t0_, Clock::now());
        rec_.snapshots.back().t = 0;
        for (auto& [name, view] : rec_.snapshots.back().hosts)
            if (view.counters_t) *view.counters_t -= std::chrono::duration<double>(t0_ - first_t0).count();
        deadline_ = t0_ + s_.time_limit;
        place_prestarted_on_the_clock();
        for (auto& capture : captures_) capture->set_timeline_zero(realtime_at(t0_));
        start_sampling();
        play_steps();
        finish_sampling();
        if (rec_.run.outcome != record::RunOutcome::Interrupted) take_snapshot("end");
        stop("");
        collect_processes_and_events();
        finish_captures();  // after the processes: their last FINs and RSTs belong in the files
        if (shaper_) {
            auto wires = shaper_->finish(now_t());
            rec_.processes.insert(rec_.processes.end(), wires.begin(), wires.end());
        }
        if (cgroup_) {
            // The programs ended; whatever they started and left running is the scenario's leak, said so.
            const auto left = cgroup_->pids();
            if (!left.empty())
                add_outcome_detail(fmt::format("{} process(es) started by the scenario's programs outlived them "
                                               "and were killed with the run",
                                               left.size()));
        }
        teardown();
    }

    int cgroup_procs_fd() const { return cgroup_ ? cgroup_->procs_fd() : -1; }

    void teardown() noexcept {
        control_.reset();
        sampler_.reset();
        instances_.clear();
        captures_.clear();
        gate_.reset();
        shaper_.reset();
        cgroup_.reset();
        topology_.reset();
    }

    void fill_header() {
        rec_.scenario = {s_.name, s_.summary, s_.file, s_.source_doc, s_.source_kernel, s_.compression};
        rec_.expectations = s_.expectations;
        rec_.metrics = s_.metrics;
        if (s_.sweep) {
            rec_.sweep = *s_.sweep;
            rec_.sweep->repeat = o_.repeat;
            rec_.sweep->repeats = o_.repeats;
        }
        utsname u{};
        ::uname(&u);
        char host[256] = {};
        ::gethostname(host, sizeof host - 1);
        rec_.run.id = plan_.run_id;
        rec_.run.prefix = plan_.prefix;
        rec_.run.directory = plan_.run_dir;
        rec_.run.started_at = utc_now_iso();
        rec_.run.kernel = u.release;
        rec_.run.machine = u.machine;
        rec_.run.hostname = host;
        rec_.run.lab_version = o_.lab_version;
        rec_.run.time_limit_s = to_seconds(s_.time_limit);
        rec_.run.impairment_backend = shaped() ? to_string(backend_) : "none";
        for (const auto& h : s_.hosts) {
            record::HostInfo hi;
            hi.name = h.name;
            hi.netns = plan_.host_netns.at(h.name);
            if (auto it = plan_.host_addresses.find(h.name); it != plan_.host_addresses.end()) hi.addresses = it->second;
            rec_.hosts.push_back(std::move(hi));
        }
    }

    void read_back_sysctls() {
        for (std::size_t i = 0; i < s_.hosts.size(); ++i) {
            const Netns& ns = topology_->host_netns(s_.hosts[i].name);
            auto& out = rec_.hosts[i].sysctls;
            for (const char* key : kReportedSysctls) out[key] = read_sysctl(ns, key);
            for (const auto& sv : s_.hosts[i].sysctls) out[sv.key] = read_sysctl(ns, sv.key);
        }
    }

    double now_t() const { return std::chrono::duration<double>(Clock::now() - t0_).count(); }

    bool interrupted() const { return o_.interrupt && o_.interrupt->load() != 0; }

    // Reaps what ended and gives it its end time (also to those a stop already reaped).
    void poll_children() {
        for (auto& inst : instances_)
            if (inst.process && !inst.result.ended_t && inst.process->poll()) {
                inst.result.ended_t = std::chrono::duration<double>(inst.process->ended_at() - t0_).count();
                roster_.ended(inst.result.pid);
            }
    }

    // Sleeps until `until`, reaping children as they end. False when the run must stop early.
    bool wait_until(Clock::time_point until) {
        for (;;) {
            poll_children();
            if (interrupted()) {
                rec_.run.outcome = record::RunOutcome::Interrupted;
                add_outcome_detail(fmt::format("signal {} at {:.3f}s", o_.interrupt->load(), now_t()));
                return false;
            }
            auto now = Clock::now();
            if (now >= deadline_) {
                rec_.run.outcome = record::RunOutcome::TimeLimit;
                add_outcome_detail(fmt::format("time limit {} reached", format_duration(s_.time_limit)));
                return false;
            }
            if (now >= until) return true;
            if (control_) control_->serve([this](std::string_view request) { return answer_control(request); });
            std::this_thread::sleep_for(std::min<Clock::duration>(kPollInterval, until - Clock::now()));
        }
    }

    void play_steps() {
        double held_until_t = 0;  // a wait or stop step holds the timeline on purpose
        for (const Step& step : s_.steps) {
            if (!wait_until(t0_ + step.at)) return;
            record::StepTiming timing{step_text(step), step.where.str(),
                                      std::max(std::chrono::duration<double>(step.at).count(), held_until_t), now_t(), 0};
            const bool ok = play(step, timing);
            timing.ended_t = now_t();
            if (step.kind == StepKind::Wait || step.kind == StepKind::Stop) held_until_t = timing.ended_t;
            rec_.timeline.push_back(std::move(timing));
            ++steps_played_;
            if (!ok) return;
        }
    }

    // `lab ctl`: between two polls of the timeline, so it never races a step; a count of a million sockets
    // takes a second, which a step due meanwhile shows as lateness, as it should.
    std::string answer_control(std::string_view request) {
        const auto parsed = parse_control_command(request);
        if (const auto* error = std::get_if<std::string>(&parsed)) return "error: " + *error;
        const ControlCommand& c = std::get<ControlCommand>(parsed);
        try {
            switch (c.kind) {
                case ControlCommand::Kind::Status: return control_status();
                case ControlCommand::Kind::Count: {
                    std::string out;
                    for (const auto& h : s_.hosts)
                        out += socket_count_text(h.name, run_in_netns(topology_->host_netns(h.name), tally_sockets)) + "\n";
                    return out;
                }
                case ControlCommand::Kind::Stop:
                    if (c.connections)
                        return control_connections(c.process, c.copy, {sys::ConnectionCommand::Stop, *c.connections});
                    return control_stop(c.process);
                case ControlCommand::Kind::Start:
                    return control_connections(c.process, c.copy, {sys::ConnectionCommand::Start, c.connections.value_or(0)});
            }
        } catch (const std::exception& e) {
            return fmt::format("error: {}", e.what());
        }
        return "error: unknown request";
    }

    std::string control_status() {
        poll_children();
        std::string out = fmt::format("run {}: {} ({}), t={:.2f}s of its {} limit; {} of {} steps played", owner_.run_id(),
                                      s_.name, s_.file, now_t(), format_duration(s_.time_limit), steps_played_,
                                      s_.steps.size());
        if (steps_played_ < s_.steps.size())
            out += fmt::format(", next: {} ({})", step_text(s_.steps[steps_played_]), s_.steps[steps_played_].where.str());
        out += "\n";
        std::map<std::string, std::pair<int, int>> running;  // name → (running, started), in name order
        for (const auto& inst : instances_) {
            auto& [up, all] = running[inst.result.name];
            ++all;
            up += inst.process && !inst.process->ended();
        }
        for (const auto& [name, n] : running) out += fmt::format("  {}: {} of {} running\n", name, n.first, n.second);
        return out;
    }

    // Empty when the scenario starts a process by that name; else the error `lab ctl` gets.
    std::string unknown_process(const std::string& name) const {
        if (plan_.processes.count(name)) return {};
        std::string names;
        for (const auto& [known, p] : plan_.processes) names += (names.empty() ? "" : ", ") + known;
        return fmt::format("error: the scenario has no process '{}' (it has: {})", name, names);
    }

    std::string control_connections(const std::string& name, std::optional<int> copy, const sys::ConnectionRequest& request) {
        if (std::string error = unknown_process(name); !error.empty()) return error;
        const PlannedProcess& p = plan_.processes.at(name);
        if (copy && *copy >= p.copies)
            return fmt::format("error: '{}' has {} cop{} (0 to {}): there is no copy {}", name, p.copies,
                               p.copies == 1 ? "y" : "ies", p.copies - 1, *copy);
        const bool pings = p.agent && p.executable.ends_with("/lab-client") &&
                           std::find(p.argv.begin(), p.argv.end(), "--ping") != p.argv.end();
        if (!pings)
            return fmt::format("error: '{}' is not a lab-client --ping: only it takes connection commands (the signal "
                               "that carries one would kill any other program)",
                               name);
        const double at = now_t();
        record::StepTiming timing{fmt::format("ctl {}", connections_text(name, copy, request)), "lab ctl", at, at, 0};
        const ConnectionsSent sent = send_connections(name, copy, request);
        timing.ended_t = now_t();
        rec_.timeline.push_back(timing);
        const std::string done = fmt::format("{} at {:.3f}s: sent to {} running cop{}", connections_text(name, copy, request),
                                             at, sent.copies, sent.copies == 1 ? "y" : "ies");
        if (sent.problems.empty()) return done + "\n";
        return fmt::format("error: {} ({})\n", fmt::join(sent.problems, "; "), done);
    }

    std::string control_stop(const std::string& name) {
        if (std::string error = unknown_process(name); !error.empty()) return error;
        poll_children();
        int was_running = 0;
        for (const auto& inst : instances_) was_running += inst.result.name == name && inst.process && !inst.process->ended();
        const double at = now_t();
        record::StepTiming timing{fmt::format("ctl stop '{}'", name), "lab ctl", at, at, 0};
        stop(name);
        timing.ended_t = now_t();
        rec_.timeline.push_back(timing);
        return fmt::format("stopped '{}' at {:.3f}s: {} running cop{} ended within {:.0f} ms\n", name, at, was_running,
                           was_running == 1 ? "y" : "ies", (timing.ended_t - at) * 1e3);
    }

    std::string step_text(const Step& step) const {
        switch (step.kind) {
            case StepKind::Run: {
                const PlannedProcess& p = plan_.processes.at(step.run.name);
                return p.copies > 1 ? fmt::format("run '{}' ×{}", p.name, p.copies) : fmt::format("run '{}'", p.name);
            }
            case StepKind::Snapshot: return fmt::format("snapshot '{}'", step.snapshot);
            case StepKind::Stop: return fmt::format("stop '{}'", step.process);
            case StepKind::Wait:
                if (const auto& w = step.sockets_wait)
                    return fmt::format("wait for {} {} on '{}'", w->at_least, w->sockets.text(), w->host);
                return fmt::format("wait '{}'", step.process);
            case StepKind::Impair: return fmt::format("impair '{}'", step.link);
            case StepKind::Unplug: return fmt::format("unplug '{}'", step.link);
            case StepKind::Replug: return fmt::format("replug '{}'", step.link);
            case StepKind::Capture: return fmt::format("capture '{}' {}", step.link, step.capture_on ? "start" : "stop");
            case StepKind::Connections: return connections_text(step.process, step.copy, step.connections);
        }
        return "step";
    }

    // "start 1000 connections 'client1'"; one copy: "... 'client1.2'".
    static std::string connections_text(const std::string& process, std::optional<int> copy, const sys::ConnectionRequest& r) {
        return fmt::format("{} {} connection{} '{}{}'", r.command == sys::ConnectionCommand::Start ? "start" : "stop",
                           r.count, r.count == 1 ? "" : "s", process, copy ? fmt::format(".{}", *copy) : "");
    }

    struct ConnectionsSent {
        int copies = 0;
        std::vector<std::string> problems;  // per copy that did not get it, why
    };

    // The command to every running copy of `name` (or to `copy` only), a lab-client --ping (the parser
    // checked), once the copy has its command signals blocked: one still starting gets up to 1 s for that. A
    // signal is never sent to a process that would die of it.
    ConnectionsSent send_connections(const std::string& name, std::optional<int> copy, const sys::ConnectionRequest& request) {
        poll_children();
        ConnectionsSent sent;
        const int sig = sys::connection_command_signal(request.command);
        const auto until = Clock::now() + std::chrono::seconds(1);
        for (const auto& inst : instances_) {
            if (inst.result.name != name || !inst.process || inst.process->ended()) continue;
            if (copy && inst.result.instance != *copy) continue;
            const pid_t pid = inst.result.pid;
            while (!sys::blocks_signal(pid, sig) && Clock::now() < until) std::this_thread::sleep_for(kPollInterval);
            if (!sys::blocks_signal(pid, sig)) {
                sent.problems.push_back(fmt::format("{} copy {} (pid {}) does not take connection commands (yet)", name,
                                                    inst.result.instance, pid));
            } else if (const int err = sys::send_connection_command(pid, request); err != 0) {
                sent.problems.push_back(fmt::format("{} copy {} (pid {}): sigqueue: {}", name, inst.result.instance, pid,
                                                    errno_name(err)));
            } else {
                ++sent.copies;
            }
        }
        if (sent.copies == 0 && sent.problems.empty())
            sent.problems.push_back(copy ? fmt::format("copy {} of '{}' is not running", *copy, name)
                                         : fmt::format("no copy of '{}' is running", name));
        return sent;
    }

    const LinkSpec& link_named(const std::string& name) const {
        for (const auto& l : s_.links)
            if (l.name == name) return l;
        throw std::out_of_range("no link named " + name);
    }

    // False when the run must stop early.
    bool play(const Step& step, record::StepTiming& timing) {
        switch (step.kind) {
            case StepKind::Run:
                if (plan_.processes.at(step.run.name).prestart) release(step.run.name, timing);
                else start(step.run.name);
                break;
            case StepKind::Snapshot: take_snapshot(step.snapshot, step.snapshot_detail); break;
            case StepKind::Stop: stop(step.process); break;
            case StepKind::Impair: shaper_->apply(link_named(step.link), step.impairments); break;
            case StepKind::Unplug: topology_->set_carrier(step.link, false); break;
            case StepKind::Replug: topology_->set_carrier(step.link, true); break;
            case StepKind::Capture:
                for (auto& capture : captures_)
                    if (capture->result().link == step.link) capture->set_recording(step.capture_on);
                break;
            case StepKind::Connections:
                for (const auto& problem : send_connections(step.process, step.copy, step.connections).problems)
                    add_outcome_detail(fmt::format("{} ({}): {}", step_text(step), step.where.str(), problem));
                break;
            case StepKind::Wait:
                if (step.sockets_wait) return wait_for_sockets(*step.sockets_wait, Clock::now() + step.timeout, step, timing);
                return wait_for_exit(step.process, Clock::now() + step.timeout, step, timing);
        }
        return true;
    }

    void start(const std::string& name) {
        const PlannedProcess& p = plan_.processes.at(name);
        const Netns& ns = topology_->host_netns(p.host);
        for (int i = 0; i < p.copies; ++i) {
            Instance inst;
            inst.agent = p.agent;
            auto& r = inst.result;
            r.name = p.name;
            r.instance = i;
            r.host = p.host;
            r.argv = p.argv;
            r.uid = p.run_as ? static_cast<std::int64_t>(p.run_as->uid) : 0;
            inst.stdout_name = fmt::format("{}.{}.stdout", p.name, i);
            const std::string stderr_name = fmt::format("{}.{}.stderr", p.name, i);
            r.stdout_path = (processes_dir_->path() / inst.stdout_name).string();
            r.stderr_path = (processes_dir_->path() / stderr_name).string();
            sys::UniqueFd out = processes_dir_->create_file(inst.stdout_name, 0644);
            sys::UniqueFd err = processes_dir_->create_file(stderr_name, 0644);
            sys::ProcessSpec spec;
            spec.executable = p.executable;
            spec.argv = p.argv;
            spec.netns_fd = ns.fd();
            spec.cgroup_procs_fd = cgroup_procs_fd();
            spec.stdout_fd = out.get();
            spec.stderr_fd = err.get();
            spec.run_as = p.run_as;
            // A program is held at its first connect or send by the seccomp gate; lab-client holds itself
            // (--start-on-signal), since the gate would make each of its many connects a round trip to lab.
            const bool gated = p.prestart && !p.agent;
            if (gated) spec.gate_socket = gate().child_socket();
            inst.process = sys::Process::spawn(spec);
            inst.started_at = Clock::now();
            r.pid = inst.process->pid();
            roster_.add({p.host, p.name, i, r.pid});
            if (p.prestart) {
                inst.prestarted = true;
                if (gated) gate().adopt(r.pid);
            } else {
                r.started_t = now_t();
            }
            instances_.push_back(std::move(inst));
        }
    }

    sys::ConnectGate& gate() {
        if (!gate_) gate_ = std::make_unique<sys::ConnectGate>();
        return *gate_;
    }

    // The copies of `name` not known to have ended: a reaped pid may be another process's by now, while an
    // unreaped one still names ours. `reap_first` reaps before looking; release() does not, at the step's
    // due time, where a waitpid per instance would delay the first let-go (a hundred calls in a slow guest).
    std::vector<pid_t> pids_of(const std::string& name, bool reap_first) {
        if (reap_first) poll_children();
        std::vector<pid_t> out;
        for (const auto& inst : instances_)
            if (inst.result.name == name && !inst.process->ended()) out.push_back(inst.result.pid);
        return out;
    }

    // Every prestarted copy is started and has reached its first connect or send (or ended) before the
    // clock starts, so what starting it cost is outside the scenario's time.
    void prestart_processes() {
        std::vector<std::string> names;
        for (const Step& step : s_.steps)
            if (step.kind == StepKind::Run && plan_.processes.at(step.run.name).prestart) names.push_back(step.run.name);
        if (names.empty()) return;
        for (const auto& name : names) start(name);
        const auto until = Clock::now() + kPrestartAllowance;
        for (const auto& name : names) {
            for (;;) {
                if (interrupted()) throw std::runtime_error(fmt::format("interrupted while starting '{}'", name));
                std::vector<pid_t> pids = pids_of(name, true);
                const auto slice = std::min(until, Clock::now() + kPollInterval);
                const std::vector<pid_t> waiting = plan_.processes.at(name).agent ? not_yet_holding(pids, slice)
                                                                                   : gate().wait_until_held(pids, slice);
                if (waiting.empty()) break;
                if (Clock::now() >= until)
                    throw std::runtime_error(fmt::format(
                        "prestart: {} of {} copies of '{}' did not reach a connect or send within {} (pid {} ...)",
                        waiting.size(), pids.size(), name, format_duration(kPrestartAllowance), waiting.front()));
            }
        }
    }

    // The prestarted lab-clients that have not yet blocked SIGUSR1 (their "ready"), polled until `until`.
    std::vector<pid_t> not_yet_holding(const std::vector<pid_t>& pids, Clock::time_point until) {
        std::vector<pid_t> waiting;
        for (;;) {
            waiting.clear();
            for (pid_t pid : pids)
                if (!sys::blocks_signal(pid, SIGUSR1)) waiting.push_back(pid);
                else if (!self_held_at_.count(pid)) self_held_at_[pid] = Clock::now();
            if (waiting.empty() || Clock::now() >= until) return waiting;
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }

    void place_prestarted_on_the_clock() {
        for (auto& inst : instances_) {
            if (!inst.prestarted) continue;
            inst.result.started_t = std::chrono::duration<double>(inst.started_at - t0_).count();
            std::optional<Clock::time_point> held;
            if (auto it = self_held_at_.find(inst.result.pid); it != self_held_at_.end()) held = it->second;
            else if (gate_) held = gate_->held_at(inst.result.pid);
            if (held) inst.result.held_t = std::chrono::duration<double>(*held - t0_).count();
        }
    }

    // SIGUSR1 to each held lab-client, in one loop kept ahead of the programs it wakes.
    sys::GateRelease signal_release(const std::vector<pid_t>& pids) {
        sys::GateRelease out;
        const sys::ScopedRealtimePriority ahead_of_the_woken;
        for (pid_t pid : pids) {
            if (!self_held_at_.count(pid) || ::kill(pid, SIGUSR1) != 0) continue;
            const auto now = Clock::now();
            if (!out.first) out.first = now;
            out.last = now;
            ++out.released;
        }
        return out;
    }

    void release(const std::string& name, record::StepTiming& timing) {
        const std::vector<pid_t> pids = pids_of(name, false);
        const sys::GateRelease r = plan_.processes.at(name).agent ? signal_release(pids) : gate().release(pids);
        timing.released = static_cast<int>(r.released);
        if (r.first) {
            timing.release_spread_s = std::chrono::duration<double>(*r.last - *r.first).count();
            const double first_t = std::chrono::duration<double>(*r.first - t0_).count();
            for (auto& inst : instances_)
                if (inst.result.name == name && inst.result.held_t) inst.result.released_t = first_t;
        }
    }

    bool any_running(const std::string& name) {
        poll_children();
        for (auto& inst : instances_)
            if ((name.empty() || inst.result.name == name) && inst.process && !inst.process->ended()) return true;
        return false;
    }

    bool wait_for_exit(const std::string& name, Clock::time_point until, const Step& step, record::StepTiming& timing) {
        while (any_running(name)) {
            if (Clock::now() >= until) {
                timing.timed_out = true;
                add_outcome_detail(fmt::format("wait for '{}' ({}) timed out after {}", name, step.where.str(),
                                               format_duration(step.timeout)));
                return true;  // a timed-out wait is an observation, not an error: the timeline goes on
            }
            if (!wait_until(std::min(until, Clock::now() + kPollInterval))) return false;
        }
        return true;
    }

    bool wait_for_sockets(const SocketsWait& w, Clock::time_point until, const Step& step, record::StepTiming& timing) {
        const Netns& ns = topology_->host_netns(w.host);
        for (;;) {
            const std::size_t seen = count_sockets(ns, w.sockets);
            if (static_cast<std::int64_t>(seen) >= w.at_least) return true;
            if (Clock::now() >= until) {
                timing.timed_out = true;
                add_outcome_detail(fmt::format("wait for {} {} on '{}' ({}) timed out after {} with {}", w.at_least,
                                               w.sockets.text(), w.host, step.where.str(),
                                               format_duration(step.timeout), seen));
                return true;  // as for a process: the snapshots that follow show what the kernel did instead
            }
            if (!wait_until(std::min(until, Clock::now() + kSocketPollInterval))) return false;
        }
    }

    void add_outcome_detail(const std::string& text) {
        rec_.run.outcome_detail += (rec_.run.outcome_detail.empty() ? "" : "; ") + text;
    }

    // Every running instance of `name` ("" for all): SIGTERM, then SIGKILL after the grace.
    void stop(const std::string& name) {
        std::vector<sys::Process*> running;
        for (auto& inst : instances_)
            if ((name.empty() || inst.result.name == name) && inst.process && !inst.process->poll()) {
                running.push_back(&*inst.process);
                inst.result.stopped_by_lab = true;
            }
        sys::stop_processes(running, kStopGrace);
        poll_children();
    }

    // One capture per end of every captured link, on the host's own interface, running before the first
    // step. The files go to <run dir>/captures/<link>.<host>.pcapng.
    void start_captures() {
        for (const LinkSpec& link : s_.links) {
            if (!link.capture) continue;
            if (!captures_dir_) captures_dir_ = run_dir_->create_subdirectory("captures", 0755);
            for (const Topology::Port& port : topology_->ports()) {
                if (port.segment != link.name) continue;
                CaptureTarget target;
                target.link = link.name;
                target.host = port.host;
                target.interface = port.ifname;
                target.file_name = fmt::format("{}.{}.pcapng", link.name, port.host);
                target.file = "captures/" + target.file_name;
                captures_.push_back(std::make_unique<LinkCapture>(topology_->host_netns(port.host), target,
                                                                  *link.capture, *captures_dir_));
            }
        }
    }

    void finish_captures() noexcept {
        for (auto& capture : captures_) {
            capture->finish();
            rec_.captures.push_back(capture->result());
            if (!capture->result().problem.empty()) add_outcome_detail("capture: " + capture->result().problem);
        }
        captures_.clear();
    }

    // The real time of a steady-clock instant: what frame timestamps (CLOCK_REALTIME) are compared with.
    static std::int64_t realtime_at(Clock::time_point t) {
        const auto now_real = std::chrono::system_clock::now();
        const auto now_steady = Clock::now();
        return std::chrono::duration_cast<std::chrono::nanoseconds>(now_real.time_since_epoch() - (now_steady - t))
            .count();
    }

    // [sample]: the series runs on its own thread from the timeline's start to its last step.
    void start_sampling() {
        if (!s_.sample) return;
        std::vector<HostSampleRequest> hosts;
        std::vector<std::string> counters(default_sampled_counters().begin(), default_sampled_counters().end());
        counters.insert(counters.end(), s_.sample->counters.begin(), s_.sample->counters.end());
        for (const auto& name : s_.sample->hosts)
            hosts.push_back({&topology_->host_netns(name), name, s_.sample->detail == "counts", counters});
        sampler_ = std::make_unique<SeriesSampler>(*s_.sample, std::move(hosts), roster_, t0_);
    }

    void finish_sampling() {
        if (!sampler_) return;
        rec_.series = sampler_->finish();
        if (!sampler_->problem().empty()) add_outcome_detail(sampler_->problem());
        sampler_.reset();
    }

    void take_snapshot(const std::string& name, const std::string& detail = "") {
        record::Snapshot snap;
        snap.name = name;
        snap.t = now_t();
        for (const auto& h : s_.hosts) snap.hosts[h.name] = observe_host(topology_->host_netns(h.name), t0_, detail);
        rec_.snapshots.push_back(std::move(snap));
    }

    void collect_processes_and_events() {
        std::int64_t t0_ns = monotonic_ns(t0_);
        const auto kept_streams = streams_read_by_output_selectors(s_);
        for (auto& inst : instances_) {
            for (const char* stream : {"stdout", "stderr"})
                if (kept_streams.count({inst.result.name, stream})) {
                    const std::string file = fmt::format("{}.{}.{}", inst.result.name, inst.result.instance, stream);
                    rec_.outputs.push_back(kept_output(inst.result.name, inst.result.instance, stream,
                                                       processes_dir_->read_file(file).value_or("")));
                }
            if (inst.process && inst.process->end()) {
                inst.result.exit_code = inst.process->end()->exit_code;
                inst.result.signal = inst.process->end()->signal;
            }
            if (inst.agent) {
                AgentEventErrors errors;
                const std::string text = processes_dir_->read_file(inst.stdout_name).value_or("");
                auto events = parse_agent_events(text, inst.result.stdout_path, inst.result.name,
                                                 inst.result.instance, t0_ns, &errors);
                inst.result.series = take_agent_series(events);
                rec_.events.insert(rec_.events.end(), events.begin(), events.end());
                if (errors.malformed_lines > 0)
                    add_outcome_detail(fmt::format("{} malformed event line(s), first {}", errors.malformed_lines,
                                                   errors.first_problem));
            }
            rec_.processes.push_back(inst.result);
        }
        instances_.clear();
    }

    const Scenario& s_;
    const RunOptions& o_;
    RunOwnership owner_;
    std::string stamp_id_;
    ImpairmentBackend backend_ = ImpairmentBackend::Auto;
    RunPlan plan_;
    std::optional<sys::Directory> processes_dir_;
    std::optional<sys::Directory> run_dir_;
    std::optional<sys::Directory> captures_dir_;
    record::RunRecord rec_;
    Clock::time_point t0_{};
    Clock::time_point deadline_{};
    // What the run holds in the kernel, in the order it is built (see teardown()).
    std::optional<Topology> topology_;
    std::optional<sys::RunCgroup> cgroup_;
    std::unique_ptr<LinkShaper> shaper_;
    std::unique_ptr<sys::ConnectGate> gate_;  // holds prestarted copies; outlives them
    std::map<pid_t, Clock::time_point> self_held_at_;  // prestarted lab-clients seen holding themselves
    std::vector<std::unique_ptr<LinkCapture>> captures_;
    std::vector<Instance> instances_;
    ProcessRoster roster_;  // the instances' pids, for the sampler's thread
    std::unique_ptr<SeriesSampler> sampler_;
    std::optional<ControlSocket> control_;  // `lab ctl`, answered between the timeline's polls
    std::size_t steps_played_ = 0;
};

}  // namespace

RunResult run_scenario(const Scenario& scenario, const RunOptions& options) {
    if (!options.out) throw std::invalid_argument("run_scenario: no output directory given");
    return TimelineRun(scenario, options).run();
}

}  // namespace lab::runner
