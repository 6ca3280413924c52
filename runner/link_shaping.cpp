#include "runner/link_shaping.hpp"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "lab/wire/wire_client.hpp"
#include "runner/netem.hpp"
#include "runner/netlink_socket.hpp"
#include "runner/qdisc_probe.hpp"

namespace lab::runner {
namespace {

constexpr auto kWireStartLimit = std::chrono::seconds(3);
constexpr const char* kWireControlDir = "/run/lab/wire";
constexpr auto kReplyLimit = std::chrono::milliseconds(2000);

// One request/reply with a lab-wire; a refusal becomes an error that names the wire and the request.
void command_wire(const std::string& path, const nlohmann::json& request) {
    std::string text = request.dump();
    auto reply = nlohmann::json::parse(wire::send_wire_command(path, text, kReplyLimit), nullptr, false);
    if (reply.is_discarded() || !reply.value("ok", false))
        throw std::runtime_error(fmt::format("lab-wire {} refused {}: {}", path, text,
                                             reply.is_discarded() ? "an unreadable reply" : reply.value("error", std::string("?"))));
}

NetemSettings netem_settings(const wire::Impairment& i) {
    if (i.gemodel) throw std::runtime_error("the netem backend of this lab does not set Gilbert-Elliott loss yet");
    if (i.distribution != wire::JitterDistribution::Uniform)
        throw std::runtime_error("the netem backend of this lab sets uniform jitter only");
    NetemSettings s;
    s.delay_us = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(i.delay).count());
    s.jitter_us = static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(i.jitter).count());
    s.loss_pct = i.loss * 100;
    s.duplicate_pct = i.duplicate * 100;
    s.reorder_pct = i.reorder * 100;
    s.corrupt_pct = i.corrupt * 100;
    s.rate_bps = i.rate_bps;
    s.limit = i.limit;
    return s;
}

const char* direction_key(const LinkSpec& link, const DirectedImpairment& d) {
    return d.from == link.ends[0] ? "a2b" : "b2a";
}

}  // namespace

const char* to_string(ImpairmentBackend b) {
    switch (b) {
        case ImpairmentBackend::Auto: return "auto";
        case ImpairmentBackend::Netem: return "netem";
        case ImpairmentBackend::Userspace: return "userspace";
    }
    return "?";
}

std::optional<ImpairmentBackend> impairment_backend_from(const std::string& text) {
    if (text == "auto") return ImpairmentBackend::Auto;
    if (text == "netem") return ImpairmentBackend::Netem;
    if (text == "userspace") return ImpairmentBackend::Userspace;
    return std::nullopt;
}

ImpairmentBackend resolve_backend(ImpairmentBackend requested) {
    if (requested != ImpairmentBackend::Auto) return requested;
    // The kernel's answer does not change while lab runs: probe once, also when scenarios run in parallel.
    static const bool netem_works = probe_qdisc("netem").works;
    return netem_works ? ImpairmentBackend::Netem : ImpairmentBackend::Userspace;
}

TopologySpec::Middle middle_for(ImpairmentBackend backend) {
    return backend == ImpairmentBackend::Userspace ? TopologySpec::Middle::Wire : TopologySpec::Middle::Bridge;
}

LinkShaping::LinkShaping(ImpairmentBackend backend, const Scenario& scenario, const Topology& topology,
                         const std::string& run_dir, const std::string& wire_exe)
    : backend_(backend), scenario_(scenario), topology_(topology) {
    for (const LinkSpec& link : scenario.links) {
        if (!link.shaped) continue;
        if (backend_ == ImpairmentBackend::Netem) {
            apply(link.name, link.impairments);
            continue;
        }
        const Topology::Port& a = topology.switch_port(link.name, link.ends[0]);
        const Topology::Port& b = topology.switch_port(link.name, link.ends[1]);
        WireProcess w;
        w.link = link.name;
        // Unix socket paths hold at most 107 bytes, which a run directory can exceed on its own.
        std::filesystem::create_directories(kWireControlDir);
        w.control_path = fmt::format("{}/{}-{}.sock", kWireControlDir,
                                     std::filesystem::path(run_dir).filename().string(), link.name);
        std::vector<std::string> argv{wire_exe, "--a", a.peer_ifname, "--b", b.peer_ifname, "--control", w.control_path};
        for (const auto& d : link.impairments) {
            argv.push_back(std::string("--") + direction_key(link, d));
            argv.push_back(wire::format_impairment(d.impairment));
        }
        auto& r = w.result;
        r.name = "wire-" + link.name;
        r.host = "(switch)";
        r.argv = argv;
        r.stdout_path = fmt::format("{}/processes/{}.0.stdout", run_dir, r.name);
        r.stderr_path = fmt::format("{}/processes/{}.0.stderr", run_dir, r.name);
        w.child = ChildProcess::launch({wire_exe, argv, topology.netns_named(a.peer_netns_name).fd(), r.stdout_path,
                                        r.stderr_path});
        r.pid = w.child->pid();
        // The wire is ready once its control socket exists; the timeline must not start before.
        auto deadline = std::chrono::steady_clock::now() + kWireStartLimit;
        while (!std::filesystem::exists(w.control_path)) {
            if (w.child->poll() || std::chrono::steady_clock::now() > deadline)
                throw std::runtime_error(fmt::format("lab-wire for link '{}' did not start (see {})", link.name,
                                                     r.stderr_path));
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        wires_.push_back(std::move(w));
    }
}

LinkShaping::~LinkShaping() { finish(0); }

const LinkSpec& LinkShaping::link_named(const std::string& name) const {
    for (const auto& l : scenario_.links)
        if (l.name == name) return l;
    throw std::out_of_range("no link named " + name);
}

void LinkShaping::apply_netem_direction(const LinkSpec& link, const DirectedImpairment& d) {
    const Topology::Port& toward = topology_.switch_port(link.name, d.to);
    NetlinkSocket sock = NetlinkSocket::open_in(topology_.netns_named(toward.peer_netns_name));
    wire::Impairment shaped = d.impairment;
    shaped.blackhole = false;
    if (shaped == wire::Impairment{}) clear_netem(sock, toward.peer_ifname);
    else apply_netem(sock, toward.peer_ifname, netem_settings(shaped));
}

void LinkShaping::apply(const std::string& link_name, const std::vector<DirectedImpairment>& impairments) {
    const LinkSpec& link = link_named(link_name);
    if (backend_ == ImpairmentBackend::Netem) {
        bool blackhole = false;
        for (const auto& d : impairments) {
            apply_netem_direction(link, d);
            blackhole = blackhole || d.impairment.blackhole;
        }
        // A bridge port that left its bridge drops every frame while its carrier stays up.
        topology_.set_bridged(link.name, !blackhole);
        return;
    }
    for (auto& w : wires_)
        if (w.link == link_name)
            for (const auto& d : impairments)
                command_wire(w.control_path, {{"direction", direction_key(link, d)},
                                                   {"set", wire::format_impairment(d.impairment)}});
}

void LinkShaping::set_plugged(const std::string& link, bool plugged) { topology_.set_carrier(link, plugged); }

std::vector<record::ProcessResult> LinkShaping::finish(double t_now) {
    std::vector<record::ProcessResult> out;
    for (auto& w : wires_) {
        if (w.child && !w.child->ended()) {
            w.child->send_signal(SIGTERM);
            auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(1);
            while (!w.child->poll() && std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(std::chrono::milliseconds(2));
            w.result.stopped_by_lab = true;
        }
        if (w.child) {
            w.child->poll();
            w.result.exit_code = w.child->exit_code();
            w.result.signal = w.child->term_signal();
            w.result.ended_t = t_now;
        }
        out.push_back(w.result);
        w.child.reset();  // kills it if it is still there
        std::error_code ec;
        std::filesystem::remove(w.control_path, ec);
    }
    wires_.clear();
    return out;
}

}  // namespace lab::runner
