#include "runner/run_plan.hpp"

#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "runner/lab_addresses.hpp"
#include "runner/substitution.hpp"
#include "sys/process.hpp"
#include "sys/trusted_file.hpp"

namespace lab::runner {
namespace {

// Interface names must fit IFNAMSIZ (15 characters) and carry the run's id, so that every object of a
// run can be traced back to it: "lab3f2a-e0" is this run's first interface in its namespace.
std::string interface_name(const std::string& run_id, int index) { return fmt::format("lab{}-e{}", run_id, index); }

std::string route_via(const Scenario& s, const RunPlan& plan, const HostSpec& host, const RouteSpec& route) {
    if (parse_ipv4(route.via)) return route.via;
    // A host name: its address on a link that both hosts share.
    for (std::size_t li = 0; li < s.links.size(); ++li) {
        const auto& ends = s.links[li].ends;
        bool both = std::find(ends.begin(), ends.end(), host.name) != ends.end() &&
                    std::find(ends.begin(), ends.end(), route.via) != ends.end();
        if (!both) continue;
        for (const auto& seg : plan.topology.segments)
            if (seg.name == s.links[li].name)
                for (const auto& itf : seg.ends)
                    if (itf.host == route.via) return itf.cidr.substr(0, itf.cidr.find('/'));
    }
    throw std::runtime_error(fmt::format("{}: route via '{}': host '{}' shares no link with '{}'", route.where.str(),
                                         route.via, route.via, host.name));
}

// What root is about to run must pass the rule of what it reads (sys/trusted_file.hpp): no other user's
// `nc` earlier in PATH, no script another user can edit.
// Returns the path checked, which is the one to execute.
std::string checked_executable(const std::string& executable, const ProcessSpec& p,
                               const std::optional<sys::Credentials>& run_as) {
    try {
        return sys::require_trusted_executable(executable, run_as);
    } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("{}: process '{}': refused: {}", p.where.str(), p.name, e.what()));
    }
}

// Who runs a program. As plain root: root, or the step's `user`. Under sudo: the user who ran it, always,
// so that allowing `sudo lab` is not allowing root for any command: a scenario, its --set values and its
// PATH are all the caller's to steer, so no step of it may run as anyone else.
std::optional<sys::Credentials> run_as_for(const ProcessSpec& p) {
    const std::optional<sys::Credentials> invoker = sys::sudo_invoker();
    if (p.user.empty()) return invoker;
    sys::Credentials wanted = sys::credentials_of(p.user);
    if (invoker && wanted.uid == invoker->uid) return invoker;  // sudo's gid and groups, not a passwd alias's
    if (invoker)
        throw std::runtime_error(fmt::format(
            "{}: process '{}': user = \"{}\": under sudo lab runs every program as the user who ran it (uid {}, {}); "
            "run lab as root, without sudo, for a program that must run as someone else",
            p.where.str(), p.name, p.user, invoker->uid, invoker->name));
    if (wanted.uid == 0) return std::nullopt;
    return wanted;
}

}  // namespace

RunPlan make_plan(const Scenario& s, const std::string& run_id, const std::string& run_dir,
                  const std::string& agent_dir, TopologySpec::Middle shaped_middle) {
    RunPlan plan;
    plan.run_id = run_id;
    plan.prefix = std::string(kNamespacePrefix) + run_id;
    plan.run_dir = run_dir;
    plan.topology.prefix = plan.prefix;

    for (const auto& h : s.hosts) {
        TopologySpec::Host th;
        th.name = h.name;
        th.netns_name = plan.prefix + "-" + h.name;
        for (const auto& sv : h.sysctls)
            th.sysctls.push_back(SysctlSetting{sv.key, sv.value});
        plan.host_netns[h.name] = th.netns_name;
        plan.topology.hosts.push_back(std::move(th));
    }

    // Validation gave every link its subnet and checked that it holds the link's hosts.
    std::map<std::string, int> next_if;
    for (const LinkSpec& link : s.links) {
        const Ipv4Cidr& net = link.subnet;
        TopologySpec::Segment seg;
        seg.name = link.name;
        if (link.shaped) seg.middle = shaped_middle;
        for (std::size_t e = 0; e < link.ends.size(); ++e) {
            const std::string& host = link.ends[e];
            std::uint32_t addr = net.network() + 1 + static_cast<std::uint32_t>(e);
            seg.ends.push_back({host, interface_name(run_id, next_if[host]++), Ipv4Cidr{addr, net.prefix}.str()});
            plan.host_addresses[host].push_back(format_ipv4(addr));
        }
        plan.topology.segments.push_back(std::move(seg));
    }

    for (const auto& h : s.hosts)
        for (const auto& r : h.routes) plan.topology.routes.push_back({h.name, r.to, route_via(s, plan, h, r)});

    plan.variables["run.dir"] = run_dir;
    plan.variables["run.prefix"] = plan.prefix;
    plan.variables["run.id"] = run_id;
    for (const auto& h : s.hosts) {
        plan.variables["hosts." + h.name + ".netns"] = plan.host_netns[h.name];
        auto it = plan.host_addresses.find(h.name);
        if (it != plan.host_addresses.end() && !it->second.empty())
            plan.variables["hosts." + h.name + ".addr"] = it->second.front();
    }

    for (const auto& step : s.steps) {
        if (step.kind != StepKind::Run) continue;
        const ProcessSpec& p = step.run;
        PlannedProcess pp;
        pp.run_as = run_as_for(p);
        pp.name = p.name;
        pp.host = p.host;
        pp.copies = p.copies;
        pp.prestart = p.prestart;
        pp.agent = !p.agent.empty();
        std::vector<std::string> words;
        if (!p.agent.empty()) {
            std::string agent = agent_dir + "/lab-" + p.agent;
            if (::access(agent.c_str(), X_OK) != 0)
                throw std::runtime_error(fmt::format("{}: agent '{}' is not built: {} is missing", p.where.str(),
                                                     p.agent, agent));
            pp.executable = checked_executable(agent, p, pp.run_as);
            words.push_back(agent);
            for (const auto& a : p.command) words.push_back(a);
            // Our own client is held by itself, at no cost per connect (see scenario_run.cpp).
            if (p.prestart) words.push_back("--start-on-signal");
        } else {
            try {
                pp.executable = sys::find_executable(p.command.front());
            } catch (const std::exception& e) {
                throw std::runtime_error(fmt::format("{}: process '{}': {}", p.where.str(), p.name, e.what()));
            }
            pp.executable = checked_executable(pp.executable, p, pp.run_as);
            words = p.command;
        }
        for (auto& w : words) pp.argv.push_back(substitute(w, plan.variables));
        plan.processes[p.name] = std::move(pp);
    }
    return plan;
}

}  // namespace lab::runner
