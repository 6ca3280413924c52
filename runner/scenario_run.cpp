#include "runner/scenario_run.hpp"

#include <signal.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>
#include <utility>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "runner/agent_events.hpp"
#include "runner/child_process.hpp"
#include "runner/host_view.hpp"
#include "runner/run_owner.hpp"
#include "runner/run_plan.hpp"
#include "runner/sysctl.hpp"
#include "runner/topology.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace lab::runner {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(5);
// A sock_diag dump of a few hundred sockets costs about a millisecond; 10 ms keeps a waiting run light.
constexpr auto kSocketPollInterval = std::chrono::milliseconds(10);
constexpr auto kStopGrace = std::chrono::milliseconds(1000);

// Settings every record shows for every host, set or not: they decide what the backlog cases do.
const char* const kReportedSysctls[] = {
    "net.core.somaxconn",         "net.ipv4.tcp_max_syn_backlog", "net.ipv4.tcp_syncookies",
    "net.ipv4.tcp_synack_retries", "net.ipv4.tcp_syn_retries",    "net.ipv4.tcp_abort_on_overflow",
};

struct Instance {
    record::ProcessResult result;
    std::optional<ChildProcess> child;
    bool agent = false;
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

class TimelineRun {
public:
    TimelineRun(const Scenario& s, const RunOptions& o) : s_(s), o_(o) {}

    record::RunRecord run() {
        auto wall_start = Clock::now();
        std::string id = new_run_id();
        std::string dir = fmt::format("{}/{}/{}-{}", o_.runs_dir, s_.name, utc_stamp(), id);
        bool shaped = std::any_of(s_.links.begin(), s_.links.end(), [](const LinkSpec& l) { return l.shaped; });
        ImpairmentBackend backend = shaped ? resolve_backend(o_.impairments) : ImpairmentBackend::Auto;
        rec_.run.impairment_backend = shaped ? to_string(backend) : "none";
        plan_ = make_plan(s_, id, fs::absolute(dir).string(), o_.agent_dir, middle_for(backend));
        RunOwnership owner = RunOwnership::claim(id);
        fs::create_directories(fs::path(plan_.run_dir) / "processes");
        fill_header();

        {
            Topology topology = Topology::build(plan_.topology);
            topology_ = &topology;
            std::optional<LinkShaping> shaping;
            if (shaped) shaping.emplace(backend, s_, topology, plan_.run_dir, o_.agent_dir + "/lab-wire");
            shaping_ = shaping ? &*shaping : nullptr;
            // Declared after the topology so that, on any exit path, processes die before their namespaces go.
            struct KillLeftovers {
                std::vector<Instance>& instances;
                const Topology*& topology;
                LinkShaping*& shaping;
                ~KillLeftovers() {
                    instances.clear();
                    topology = nullptr;
                    shaping = nullptr;
                }
            } guard{instances_, topology_, shaping_};
            read_back_sysctls();
            // The clock starts after the start snapshot: on a loaded machine a snapshot of many hosts can
            // take half a second, which must not come out of the time between the first steps.
            t0_ = Clock::now();
            take_snapshot("start");
            const Clock::time_point first_t0 = std::exchange(t0_, Clock::now());
            rec_.snapshots.back().t = 0;
            for (auto& [name, view] : rec_.snapshots.back().hosts)
                if (view.counters_t) *view.counters_t -= std::chrono::duration<double>(t0_ - first_t0).count();
            deadline_ = t0_ + s_.time_limit;
            play_steps();
            if (rec_.run.outcome != "interrupted") take_snapshot("end");
            stop_all();
            collect_processes_and_events();
            if (shaping) {
                auto wires = shaping->finish(now_t());
                rec_.processes.insert(rec_.processes.end(), wires.begin(), wires.end());
            }
            shaping_ = nullptr;
        }
        rec_.run.wall_seconds = std::chrono::duration<double>(Clock::now() - wall_start).count();
        return std::move(rec_);
    }

private:
    void fill_header() {
        rec_.scenario = {s_.name, s_.summary, s_.file, s_.source_doc, s_.source_kernel, s_.compression};
        rec_.expectations = s_.expectations;
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

    void poll_children() {
        for (auto& inst : instances_)
            if (inst.child && !inst.child->ended() && inst.child->poll())
                inst.result.ended_t = std::chrono::duration<double>(inst.child->ended_at() - t0_).count();
    }

    // Sleeps until `until`, reaping children as they end. False when the run must stop early.
    bool wait_until(Clock::time_point until) {
        for (;;) {
            poll_children();
            if (interrupted()) {
                rec_.run.outcome = "interrupted";
                rec_.run.outcome_detail = fmt::format("signal {} at {:.3f}s", o_.interrupt->load(), now_t());
                return false;
            }
            auto now = Clock::now();
            if (now >= deadline_) {
                rec_.run.outcome = "time-limit";
                rec_.run.outcome_detail = fmt::format("time limit {} reached", format_duration(s_.time_limit));
                return false;
            }
            if (now >= until) return true;
            std::this_thread::sleep_for(std::min<Clock::duration>(kPollInterval, until - now));
        }
    }

    void play_steps() {
        double held_until_t = 0;  // a wait or stop step holds the timeline on purpose
        for (const Step& step : s_.steps) {
            if (!wait_until(t0_ + step.at)) return;
            record::StepTiming timing{step_text(step), step.where.str(),
                                      std::max(std::chrono::duration<double>(step.at).count(), held_until_t), now_t(), 0};
            const bool ok = play(step);
            timing.ended_t = now_t();
            if (step.kind == StepKind::Wait || step.kind == StepKind::Stop) held_until_t = timing.ended_t;
            rec_.timeline.push_back(std::move(timing));
            if (!ok) return;
        }
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
        }
        return "step";
    }

    // False when the run must stop early.
    bool play(const Step& step) {
        switch (step.kind) {
            case StepKind::Run: start(step.run.name); break;
            case StepKind::Snapshot: take_snapshot(step.snapshot); break;
            case StepKind::Stop: stop(step.process); break;
            case StepKind::Impair: shaping_->apply(step.link, step.impairments); break;
            case StepKind::Unplug: shaping_->set_plugged(step.link, false); break;
            case StepKind::Replug: shaping_->set_plugged(step.link, true); break;
            case StepKind::Wait:
                if (step.sockets_wait) return wait_for_sockets(*step.sockets_wait, Clock::now() + step.timeout, step);
                return wait_for_exit(step.process, Clock::now() + step.timeout, step);
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
            std::string base = fmt::format("{}/processes/{}.{}", plan_.run_dir, p.name, i);
            r.stdout_path = base + ".stdout";
            r.stderr_path = base + ".stderr";
            inst.child = ChildProcess::launch({p.executable, p.argv, ns.fd(), r.stdout_path, r.stderr_path});
            r.pid = inst.child->pid();
            r.started_t = now_t();
            instances_.push_back(std::move(inst));
        }
    }

    bool any_running(const std::string& name) {
        poll_children();
        for (auto& inst : instances_)
            if ((name.empty() || inst.result.name == name) && inst.child && !inst.child->ended()) return true;
        return false;
    }

    bool wait_for_exit(const std::string& name, Clock::time_point until, const Step& step) {
        while (any_running(name)) {
            if (Clock::now() >= until) {
                add_outcome_detail(fmt::format("wait for '{}' ({}) timed out after {}", name, step.where.str(),
                                               format_duration(step.timeout)));
                return true;  // a timed-out wait is an observation, not an error: the timeline goes on
            }
            if (!wait_until(std::min(until, Clock::now() + kPollInterval))) return false;
        }
        return true;
    }

    bool wait_for_sockets(const SocketsWait& w, Clock::time_point until, const Step& step) {
        const Netns& ns = topology_->host_netns(w.host);
        for (;;) {
            const std::size_t seen = count_sockets(ns, w.sockets);
            if (static_cast<std::int64_t>(seen) >= w.at_least) return true;
            if (Clock::now() >= until) {
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

    void stop(const std::string& name) {
        for (auto& inst : instances_)
            if ((name.empty() || inst.result.name == name) && inst.child && !inst.child->ended()) {
                inst.child->send_signal(SIGTERM);
                inst.result.stopped_by_lab = true;
            }
        auto until = Clock::now() + kStopGrace;
        while (any_running(name) && Clock::now() < until) std::this_thread::sleep_for(kPollInterval);
        for (auto& inst : instances_)
            if ((name.empty() || inst.result.name == name) && inst.child && !inst.child->ended())
                inst.child->send_signal(SIGKILL);
        while (any_running(name)) std::this_thread::sleep_for(kPollInterval);
    }

    void stop_all() { stop(""); }

    void take_snapshot(const std::string& name) {
        record::Snapshot snap;
        snap.name = name;
        snap.t = now_t();
        for (const auto& h : s_.hosts) snap.hosts[h.name] = observe_host(topology_->host_netns(h.name), t0_);
        rec_.snapshots.push_back(std::move(snap));
    }

    void collect_processes_and_events() {
        std::int64_t t0_ns = monotonic_ns(t0_);
        for (auto& inst : instances_) {
            if (inst.child) {
                inst.result.exit_code = inst.child->exit_code();
                inst.result.signal = inst.child->term_signal();
            }
            if (inst.agent) {
                AgentEventErrors errors;
                auto events = read_agent_events(inst.result.stdout_path, inst.result.name, inst.result.instance, t0_ns,
                                                &errors);
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
    RunPlan plan_;
    record::RunRecord rec_;
    const Topology* topology_ = nullptr;
    LinkShaping* shaping_ = nullptr;
    std::vector<Instance> instances_;
    Clock::time_point t0_{};
    Clock::time_point deadline_{};
};

}  // namespace

record::RunRecord run_scenario(const Scenario& scenario, const RunOptions& options) {
    return TimelineRun(scenario, options).run();
}

}  // namespace lab::runner
