#include "runner/wire_shaper.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "runner/run_state.hpp"
#include "runner/topology.hpp"
#include "shaping/wire_client.hpp"

namespace lab::runner {
namespace {

constexpr auto kWireStartLimit = std::chrono::seconds(3);
constexpr auto kWireStopGrace = std::chrono::seconds(1);  // lab-wire prints its summary on SIGTERM

shaping::Direction direction_of(const LinkSpec& link, const DirectedImpairment& d) {
    return d.from == link.ends[0] ? shaping::Direction::AtoB : shaping::Direction::BtoA;
}

}  // namespace

WireShaper::WireShaper(const ShaperContext& context)
    : control_root_(wire_control_directory()), control_name_(context.run_id) {
    control_ = control_root_.create_subdirectory(control_name_, 0700);
    try {
        for (const LinkSpec& link : context.scenario.links)
            if (link.shaped) start(context, link);
    } catch (...) {
        wires_.clear();  // kills what started
        remove_control_directory();
        throw;
    }
}

WireShaper::~WireShaper() {
    wires_.clear();
    remove_control_directory();
}

void WireShaper::remove_control_directory() noexcept {
    if (!control_) return;
    control_.reset();
    try {
        control_root_.remove(control_name_);
    } catch (...) {
        // Left for `lab clean`, which removes the control directories of runs that are gone.
    }
}

void WireShaper::start(const ShaperContext& context, const LinkSpec& link) {
    const Topology::Port& a = context.topology.switch_port(link.name, link.ends[0]);
    const Topology::Port& b = context.topology.switch_port(link.name, link.ends[1]);
    Wire w;
    w.link = link.name;
    // Unix socket paths hold at most 107 bytes: /run/lab/wire/<id>/<link>.sock always fits.
    w.control_path = (control_->path() / (link.name + ".sock")).string();
    std::vector<std::string> argv{context.wire_exe, "--a", a.peer_ifname, "--b", b.peer_ifname, "--control", w.control_path};
    for (const auto& d : link.impairments) {
        argv.push_back(fmt::format("--{}", shaping::direction_name(direction_of(link, d))));
        argv.push_back(shaping::format_impairment(d.impairment));
    }
    auto& r = w.result;
    r.name = "wire-" + link.name;
    r.host = "(switch)";
    r.argv = argv;
    const std::string out = r.name + ".0.stdout", err = r.name + ".0.stderr";
    r.stdout_path = (context.processes_dir.path() / out).string();
    r.stderr_path = (context.processes_dir.path() / err).string();
    sys::UniqueFd out_fd = context.processes_dir.create_file(out, 0644);
    sys::UniqueFd err_fd = context.processes_dir.create_file(err, 0644);
    sys::ProcessSpec spec;
    spec.executable = context.wire_exe;
    spec.argv = argv;
    spec.netns_fd = context.topology.netns_named(a.peer_netns_name).fd();
    spec.cgroup_procs_fd = context.cgroup_procs_fd;
    spec.stdout_fd = out_fd.get();
    spec.stderr_fd = err_fd.get();
    w.process = sys::Process::spawn(spec);
    r.pid = w.process->pid();
    // The wire is ready once its control socket exists; the timeline must not start before.
    const std::string socket_name = link.name + ".sock";
    const auto deadline = std::chrono::steady_clock::now() + kWireStartLimit;
    while (!control_->contains(socket_name)) {
        if (w.process->poll() || std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error(
                fmt::format("lab-wire for link '{}' did not start (see {})", link.name, r.stderr_path));
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    wires_.push_back(std::move(w));
}

void WireShaper::apply(const LinkSpec& link, const std::vector<DirectedImpairment>& impairments) {
    for (auto& w : wires_)
        if (w.link == link.name)
            for (const auto& d : impairments)
                shaping::WireClient(w.control_path).set_impairment(direction_of(link, d), d.impairment);
}

std::vector<record::ProcessResult> WireShaper::finish(double t_now) {
    std::vector<sys::Process*> running;
    for (auto& w : wires_)
        if (w.process && !w.process->poll()) {
            running.push_back(&*w.process);
            w.result.stopped_by_lab = true;
        }
    sys::stop_processes(running, kWireStopGrace);
    std::vector<record::ProcessResult> out;
    for (auto& w : wires_) {
        if (w.process && w.process->end()) {
            w.result.exit_code = w.process->end()->exit_code;
            w.result.signal = w.process->end()->signal;
            w.result.ended_t = t_now;
        }
        out.push_back(w.result);
    }
    wires_.clear();
    remove_control_directory();
    return out;
}

}  // namespace lab::runner
