#include "runner/scenario_parser.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <variant>

#include <fmt/format.h>

#include "common/printable.hpp"
#include "common/text_fields.hpp"
#include "runner/capture_parser.hpp"
#include "runner/expectation_parser.hpp"
#include "runner/lab_addresses.hpp"
#include "runner/sample_parser.hpp"
#include "runner/scenario_budget.hpp"
#include "runner/substitution.hpp"
#include "runner/sweep_spec.hpp"
#include "runner/sysctl.hpp"
#include "runner/toml_reader.hpp"
#include "sys/invoker.hpp"
#include "sys/kernel_error.hpp"
#include "sys/trusted_file.hpp"

namespace lab::runner {
namespace {

constexpr Duration kMaxTimeLimit = std::chrono::minutes(10);
constexpr int kMaxCopies = 10000;
// A Linux bridge numbers its ports in 10 bits and reserves port 0 (br_if.c, find_portno): the 1024th
// port fails with EXFULL, so a switched link joins at most this many hosts.
constexpr std::size_t kMaxBridgePorts = 1023;

// toml++ tables iterate in key order; the scenario's own order is the order it was written in.
constexpr auto written_first = [](const auto& a, const auto& b) {
    return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
};

class ScenarioParser {
public:
    ScenarioParser(const toml::table& root, std::string file, const ResourceLimits& limits, const SweepCell* cell)
        : root_(root), r_(std::move(file)), limits_(limits) {
        r_.set_sweep_cell(cell);
    }

    Scenario parse() {
        s_.file = r_.file();
        r_.reject_unknown_keys(root_, {"scenario", "hosts", "links", "steps", "expect", "metric", "sweep", "sample"},
                              "the file");
        parse_header();
        parse_hosts();
        parse_links();
        parse_steps();
        s_.sample = parse_sample(root_, r_, s_.hosts);
        check_references();
        s_.expectations = parse_expectations(root_, r_, known_names());
        s_.metrics = parse_metrics(root_, r_, known_names());
        check_budget();
        if (!r_.diagnostics().empty()) throw ScenarioError(r_.diagnostics());
        return std::move(s_);
    }

private:
    void name_check(const toml::node& at, const std::string& name, std::string_view what,
                    std::size_t max_length = 24) {
        name_check(r_.where(at), name, what, max_length);
    }
    void name_check(const SourceLocation& at, const std::string& name, std::string_view what,
                    std::size_t max_length = 24) {
        if (!is_valid_name(name, max_length))
            r_.error(at, fmt::format("{} name '{}' is not valid (lower-case letters, digits and '-', starting "
                                     "with a letter, at most {} characters)",
                                     what, name, max_length));
    }

    void parse_header() {
        const toml::table* sc = r_.table(root_, "scenario", true);
        if (!sc) return;
        r_.reject_unknown_keys(*sc, {"name", "summary", "source", "compression", "time_limit"}, "[scenario]");
        if (auto name = r_.string(*sc, "name", true)) {
            s_.name = *name;
            name_check(*sc->get("name"), *name, "scenario", 64);
        }
        s_.summary = r_.string(*sc, "summary", true).value_or("");
        s_.compression = r_.string(*sc, "compression", false).value_or("");
        if (const toml::table* src = r_.table(*sc, "source", false)) {
            r_.reject_unknown_keys(*src, {"doc", "kernel", "note"}, "source");
            s_.source_doc = r_.string(*src, "doc", true).value_or("");
            s_.source_kernel = r_.string(*src, "kernel", false).value_or("");
            s_.source_note = r_.string(*src, "note", false).value_or("");
        }
        if (auto limit = r_.duration(*sc, "time_limit", false)) {
            if (*limit <= Duration::zero() || *limit > kMaxTimeLimit)
                r_.error(*sc->get("time_limit"), "time_limit must be more than 0 and at most 10m");
            else
                s_.time_limit = *limit;
        }
    }

    void parse_hosts() {
        const toml::table* hosts = r_.table(root_, "hosts", true);
        hosts_table_ = hosts;
        if (!hosts) return;
        if (hosts->empty()) r_.error(*hosts, "[hosts] must name at least one host");
        for (const auto& [key, node] : *hosts) {
            HostSpec h;
            h.name = std::string(key.str());
            h.where = r_.where(key);
            name_check(h.where, h.name, "host");
            const toml::table* t = node.as_table();
            if (!t) {
                r_.error(node, fmt::format("hosts.{} must be a table", h.name));
                continue;
            }
            std::string ctx = "[hosts." + h.name + "]";
            r_.reject_unknown_keys(*t, {"sysctl", "routes"}, ctx);
            if (const toml::table* sys = r_.table(*t, "sysctl", false)) {
                for (const auto& [skey, sval] : *sys) {
                    SysctlValue v;
                    v.key = std::string(skey.str());
                    v.where = r_.where(skey);
                    if (auto why = check_sysctl_key(v.key)) r_.error(v.where, *why);
                    if (auto text = r_.scalar_text(sval, "sysctl '" + v.key + "'")) {
                        v.value = *text;
                        if (auto why = check_sysctl_value(v.key, v.value)) r_.error(sval, *why);
                    }
                    h.sysctls.push_back(std::move(v));
                }
            }
            if (const toml::array* routes = r_.array(*t, "routes", false)) {
                for (const toml::node& rn : *routes) {
                    const toml::table* rt = rn.as_table();
                    if (!rt) {
                        r_.error(rn, "each route must be a table such as { to = \"198.18.2.0/24\", via = \"router\" }");
                        continue;
                    }
                    r_.reject_unknown_keys(*rt, {"to", "via"}, "route");
                    RouteSpec route;
                    route.where = r_.where(rn);
                    route.to = r_.string(*rt, "to", true).value_or("");
                    route.via = r_.string(*rt, "via", true).value_or("");
                    if (!route.to.empty())
                        if (auto why = lab_cidr_problem(route.to)) r_.error(*rt->get("to"), *why);
                    h.routes.push_back(std::move(route));
                }
            }
            std::sort(h.sysctls.begin(), h.sysctls.end(), written_first);
            s_.hosts.push_back(std::move(h));
        }
        std::sort(s_.hosts.begin(), s_.hosts.end(), written_first);
        for (const auto& h : s_.hosts) host_names_.insert(h.name);
    }

    bool is_host(const std::string& name) const { return host_names_.contains(name); }



    void parse_links() {
        const toml::array* links = r_.array(root_, "links", false);
        if (!links) return;
        int index = 0;
        for (const toml::node& ln : *links) {
            const toml::table* t = ln.as_table();
            if (!t) {
                r_.error(ln, "each [[links]] entry must be a table");
                continue;
            }
            r_.reject_unknown_keys(*t, {"name", "ends", "subnet", "impair", "capture"}, "[[links]]");
            LinkSpec l;
            l.where = r_.where(ln);
            l.name = r_.string(*t, "name", false).value_or(fmt::format("link{}", index));
            if (t->get("name")) name_check(*t->get("name"), l.name, "link");
            l.ends = r_.strings(*t, "ends");
            if (!t->get("ends")) r_.error(*t, "missing required key 'ends' (the hosts this link joins)");
            else if (l.ends.size() < 2) r_.error(*t->get("ends"), "a link joins at least two hosts");
            if (l.ends.size() > kMaxBridgePorts)
                r_.error(*t->get("ends"), fmt::format("a link joins at most {} hosts (a Linux bridge has {} ports); "
                                                      "this one joins {}",
                                                      kMaxBridgePorts, kMaxBridgePorts, l.ends.size()));
            std::set<std::string> seen;
            for (const auto& e : l.ends) {
                if (!is_host(e)) r_.error(*t->get("ends"), fmt::format("link end '{}' is not a host in [hosts]", e));
                if (!seen.insert(e).second) r_.error(*t->get("ends"), fmt::format("host '{}' is on this link twice", e));
            }
            std::optional<Ipv4Cidr> fixed;
            SourceLocation subnet_where = l.where;
            if (auto subnet = r_.string(*t, "subnet", false)) {
                subnet_where = r_.where(*t->get("subnet"));
                if (auto why = lab_cidr_problem(*subnet)) r_.error(subnet_where, *why);
                else fixed = parse_cidr(*subnet);
            }
            subnets_.push_back({fixed, subnet_where});
            if (const toml::table* imp = r_.table(*t, "impair", false)) {
                l.shaped = true;
                if (l.ends.size() != 2) r_.error(*imp, "impairments apply to two-ended links only (for now)");
                else l.impairments = directed_impairments(*imp, l, nullptr);
            }
            if (const toml::node* capture = t->get("capture")) l.capture = parse_link_capture(*capture, r_);
            s_.links.push_back(std::move(l));
            ++index;
        }
        std::set<std::string> names;
        for (const auto& l : s_.links)
            if (!names.insert(l.name).second) r_.error(l.where, fmt::format("link name '{}' is used twice", l.name));
        for (const auto& l : s_.links) hosts_on_links_.insert(l.ends.begin(), l.ends.end());
        plan_subnets();
    }

    // Every link's subnet, fixed or assigned, is decided here: an overlap, a full lab range or a subnet
    // too small for its link is an error at the link, not a failure of the run.
    void plan_subnets() {
        std::vector<SubnetRequest> requests;
        for (std::size_t i = 0; i < s_.links.size(); ++i) requests.push_back({subnets_[i].fixed, s_.links[i].ends.size()});
        const auto choices = assign_subnets(requests);
        std::map<int, std::vector<std::size_t>> unplaced;  // by the prefix they needed
        for (std::size_t i = 0; i < s_.links.size(); ++i) {
            LinkSpec& link = s_.links[i];
            if (const auto* net = std::get_if<Ipv4Cidr>(&choices[i])) {
                link.subnet = *net;
                if (link.ends.size() > net->host_count())
                    r_.error(subnets_[i].where, fmt::format("subnet {} has room for {} hosts; link '{}' joins {}",
                                                            net->str(), net->host_count(), link.name, link.ends.size()));
                continue;
            }
            const auto& problem = std::get<SubnetProblem>(choices[i]);
            if (problem.kind == SubnetProblem::Kind::Overlap) {
                const auto& other = s_.links[problem.other];
                r_.error(subnets_[i].where,
                         fmt::format("subnet {} of link '{}' overlaps subnet {} of link '{}' ({})",
                                     subnets_[i].fixed->str(), link.name, subnets_[problem.other].fixed->str(),
                                     other.name, subnets_[problem.other].where.str()));
            } else if (link.ends.size() <= kMaxBridgePorts) {  // a bigger link has its error already
                unplaced[problem.prefix].push_back(i);
            }
        }
        for (const auto& [prefix, links] : unplaced) {
            const std::size_t whole_range = std::size_t{1} << (prefix - 15);
            r_.error(s_.links[links.front()].where,
                     fmt::format("no free /{} is left in the lab range 198.18.0.0/15 for link '{}'{}: the range "
                                 "holds {} /{}s, and a link without a 'subnet' of its own is given a /24 (a larger "
                                 "block for more than 254 hosts); give links subnets of their own (a two-ended "
                                 "link needs only a /30)",
                                 prefix, s_.links[links.front()].name,
                                 links.size() > 1 ? fmt::format(", nor for the {} links after it", links.size() - 1) : "",
                                 whole_range, prefix));
        }
    }


    // The text of one impairment table: scalar items as lab-wire's text form ("delay=25ms,loss=1%"),
    // so there is one parser and one set of error messages for both. `link` names the link in an
    // impair step's table and is not an item.
    std::string impairment_text(const toml::table& t, bool skip_link = false) {
        std::string text;
        for (const auto& [key, value] : t) {
            if (value.is_table()) continue;  // a per-direction table, handled by the caller
            if (skip_link && key.str() == "link") continue;
            std::string item(key.str());
            if (value.is_boolean()) item += *value.value<bool>() ? "=on" : "=off";
            else if (auto v = r_.scalar_text(value, "impairment '" + item + "'")) item += "=" + *v;
            text += (text.empty() ? "" : ",") + item;
        }
        return text;
    }

    // Each direction of a two-ended link, from `base` (nullptr: clean) with the table applied:
    // scalar items to both directions, then "a>b" sub-tables to theirs.
    std::vector<DirectedImpairment> directed_impairments(const toml::table& t, const LinkSpec& link,
                                                         const std::vector<DirectedImpairment>* base,
                                                         bool skip_link = false) {
        std::vector<DirectedImpairment> out;
        for (int d = 0; d < 2; ++d) {
            DirectedImpairment di{link.ends[d], link.ends[1 - d], {}};
            if (base)
                for (const auto& b : *base)
                    if (b.from == di.from) di.impairment = b.impairment;
            out.push_back(di);
        }
        auto apply = [&](DirectedImpairment& di, const std::string& text, const toml::node& at) {
            auto parsed = shaping::parse_impairment_onto(di.impairment, text);
            if (auto* e = std::get_if<ParseError>(&parsed))
                r_.error(at, fmt::format("impairment {}>{}: {}", di.from, di.to, e->message));
            else
                di.impairment = std::get<shaping::Impairment>(parsed);
        };
        std::string both = impairment_text(t, skip_link);
        for (auto& di : out) apply(di, both, t);
        for (const auto& [key, value] : t) {
            const toml::table* sub = value.as_table();
            if (!sub || (skip_link && key.str() == "link")) continue;
            std::string dir(key.str());
            auto it = std::find_if(out.begin(), out.end(), [&](const auto& di) { return di.from + ">" + di.to == dir; });
            if (it == out.end()) {
                r_.error(r_.where(key), fmt::format("'{}' is not a direction of link '{}' (use \"{}>{}\" or \"{}>{}\")", dir,
                                                    link.name, link.ends[0], link.ends[1], link.ends[1], link.ends[0]));
                continue;
            }
            apply(*it, impairment_text(*sub), *sub);
        }
        return out;
    }

    LinkSpec* find_link(const std::string& name) {
        for (auto& l : s_.links)
            if (l.name == name) return &l;
        return nullptr;
    }

    void parse_link_step(const toml::table& t, Step& step) {
        std::string key = t.contains("impair") ? "impair" : t.contains("unplug") ? "unplug" : "replug";
        const toml::node& node = *t.get(key);
        const toml::table* imp = key == "impair" ? node.as_table() : nullptr;
        if (key == "impair") {
            step.kind = StepKind::Impair;
            if (!imp) {
                r_.error(node, "'impair' must be a table such as { link = \"link0\", delay = \"50ms\" }");
                return;
            }
            step.link = r_.string(*imp, "link", true).value_or("");
        } else {
            step.kind = key == "unplug" ? StepKind::Unplug : StepKind::Replug;
            step.link = r_.string(t, key, true).value_or("");
        }
        LinkSpec* link = find_link(step.link);
        if (!step.link.empty() && !link) {
            r_.error(node, fmt::format("no link named '{}' (name links with name = \"...\"; unnamed ones are link0, link1, ...)", step.link));
            return;
        }
        if (!link) return;
        link->shaped = true;
        if (link->ends.size() != 2) r_.error(node, "link events and impairments apply to two-ended links only (for now)");
        if (imp) pending_impairs_.push_back({s_.steps.size(), imp});
    }

    // Impair steps change the settings in force at their time: resolved once steps are in time order.
    void resolve_impair_steps() {
        std::map<std::string, std::vector<DirectedImpairment>> current;
        for (const auto& l : s_.links) current[l.name] = l.impairments;
        for (auto& step : s_.steps) {
            if (step.kind != StepKind::Impair) continue;
            LinkSpec* link = find_link(step.link);
            if (!link || link->ends.size() != 2) continue;
            for (const auto& [index, table] : pending_impairs_)
                // The step's own table, not a copy without `link`: toml++ does not copy source
                // regions, and every diagnostic about it would point at 0:0.
                if (index == step.file_index)
                    step.impairments = directed_impairments(*table, *link, &current[link->name], true);
            current[link->name] = step.impairments;
        }
    }

    void parse_run(const toml::table& t, Step& step) {
        r_.reject_unknown_keys(t, {"name", "host", "agent", "args", "command", "copies", "prestart", "user"}, "run");
        ProcessSpec& p = step.run;
        p.where = r_.where(t);
        p.name = r_.string(t, "name", true).value_or("");
        if (!p.name.empty()) name_check(*t.get("name"), p.name, "process");
        p.host = r_.string(t, "host", true).value_or("");
        if (!p.host.empty() && !is_host(p.host))
            r_.error(*t.get("host"), fmt::format("host '{}' is not defined in [hosts]", p.host));
        bool has_agent = t.contains("agent"), has_command = t.contains("command");
        if (has_agent == has_command) r_.error(t, "run needs exactly one of 'agent' (server or client) and 'command'");
        if (has_agent) {
            p.agent = r_.string(t, "agent", true).value_or("");
            if (!p.agent.empty() && p.agent != "server" && p.agent != "client")
                r_.error(*t.get("agent"), fmt::format("agent '{}' is unknown (use \"server\" or \"client\")", p.agent));
            p.command = r_.strings(t, "args");
        } else if (has_command) {
            if (t.contains("args")) r_.error(*t.get("args"), "'args' goes with 'agent'; put a command's arguments in 'command'");
            p.command = r_.strings(t, "command");
            if (p.command.empty()) r_.error(*t.get("command"), "command must be a non-empty array of strings");
        }
        if (auto copies = r_.integer(t, "copies", false, 1, kMaxCopies)) p.copies = static_cast<int>(*copies);
        p.prestart = r_.boolean(t, "prestart", false).value_or(false);
        if (auto user = r_.string(t, "user", false)) {
            try {
                sys::credentials_of(*user);
                p.user = *user;
            } catch (const std::exception& e) {
                r_.error(*t.get("user"), e.what());
            }
        }
        const toml::node* argv_node = t.get(has_agent ? "args" : "command");
        for (const auto& word : p.command) {
            try {
                for (const auto& ref : find_references(word)) check_variable(ref.name, argv_node ? *argv_node : t);
            } catch (const std::invalid_argument& e) {
                r_.error(argv_node ? *argv_node : t, fmt::format("in '{}': {}", word, e.what()));
            }
        }
    }

    void check_variable(const std::string& name, const toml::node& at) {
        if (name == "run.dir" || name == "run.prefix" || name == "run.id") return;
        constexpr std::string_view hosts = "hosts.";
        if (name.rfind(hosts, 0) == 0) {
            std::string rest = name.substr(hosts.size());
            auto dot = rest.rfind('.');
            if (dot != std::string::npos) {
                std::string host = rest.substr(0, dot), field = rest.substr(dot + 1);
                if (field != "addr" && field != "netns") {
                    r_.error(at, fmt::format("'${{{}}}': hosts have 'addr' and 'netns'", name));
                    return;
                }
                if (!is_host(host)) r_.error(at, fmt::format("'${{{}}}': no host named '{}'", name, host));
                else if (field == "addr" && !host_has_link(host))
                    r_.error(at, fmt::format("'${{{}}}': host '{}' is on no link, so it has no address", name, host));
                return;
            }
        }
        r_.error(at, fmt::format("unknown variable '${{{}}}' (known: hosts.NAME.addr, hosts.NAME.netns, run.dir, "
                                 "run.prefix, run.id)",
                                 name));
    }

    bool host_has_link(const std::string& host) const { return hosts_on_links_.contains(host); }

    void parse_steps() {
        const toml::array* steps = r_.array(root_, "steps", false);
        if (!steps) return;
        for (const toml::node& sn : *steps) {
            const toml::table* t = sn.as_table();
            if (!t) {
                r_.error(sn, "each [[steps]] entry must be a table");
                continue;
            }
            r_.reject_unknown_keys(
                *t, {"at", "run", "snapshot", "detail", "wait", "stop", "impair", "unplug", "replug", "capture", "connections"},
                "[[steps]]");
            if (t->contains("detail") && !t->contains("snapshot"))
                r_.error(*t->get("detail"), "'detail' belongs to a snapshot step");
            Step step;
            step.where = r_.where(sn);
            step.at = r_.duration(*t, "at", true).value_or(Duration::zero());
            if (step.at > s_.time_limit)
                r_.error(*t->get("at"), fmt::format("step at {} is after the time limit {}", format_duration(step.at),
                                                    format_duration(s_.time_limit)));
            int kinds = 0;
            for (auto k : {"run", "snapshot", "wait", "stop", "impair", "unplug", "replug", "capture", "connections"})
                kinds += t->contains(k);
            if (kinds != 1) {
                r_.error(*t, "a step needs exactly one of 'run', 'snapshot', 'wait', 'stop', 'impair', 'unplug', "
                             "'replug', 'capture' and 'connections'");
                continue;
            }
            step.file_index = s_.steps.size();
            if (t->contains("impair") || t->contains("unplug") || t->contains("replug")) {
                parse_link_step(*t, step);
            } else if (const toml::node* capture = t->get("capture")) {
                parse_capture_step(*capture, step, r_);
            } else if (const toml::node* connections = t->get("connections")) {
                step.kind = StepKind::Connections;
                if (const toml::table* ct = connections->as_table()) parse_connections_step(*ct, step);
                else r_.error(*connections, "'connections' must be a table such as { process = \"client1\", start = 1000 }");
            } else if (const toml::node* run = t->get("run")) {
                step.kind = StepKind::Run;
                if (const toml::table* rt = run->as_table()) parse_run(*rt, step);
                else r_.error(*run, "'run' must be a table such as { name = \"srv\", host = \"server\", agent = \"server\" }");
            } else if (t->contains("snapshot")) {
                step.kind = StepKind::Snapshot;
                step.snapshot = r_.string(*t, "snapshot", true).value_or("");
                if (!step.snapshot.empty()) name_check(*t->get("snapshot"), step.snapshot, "snapshot");
                if (step.snapshot == "start" || step.snapshot == "end")
                    r_.error(*t->get("snapshot"), "snapshots 'start' and 'end' are taken by the lab itself; pick another name");
                step.snapshot_detail = r_.string(*t, "detail", false).value_or("");
                if (t->contains("detail") && step.snapshot_detail != record::kDetailFull &&
                    step.snapshot_detail != record::kDetailCounts && step.snapshot_detail != record::kDetailNone)
                    r_.error(*t->get("detail"), fmt::format("snapshot detail '{}' is unknown (full, counts or none)",
                                                            step.snapshot_detail));
            } else if (const toml::node* wait = t->get("wait")) {
                step.kind = StepKind::Wait;
                step.timeout = s_.time_limit;
                if (const toml::table* wt = wait->as_table()) {
                    parse_wait(*wt, step);
                } else {
                    r_.error(*wait, "'wait' must be a table such as { process = \"cli\", timeout = \"10s\" } or "
                                    "{ host = \"client\", sockets = { state = \"established\" }, at_least = 10 }");
                }
            } else {
                step.kind = StepKind::Stop;
                step.process = r_.string(*t, "stop", true).value_or("");
            }
            s_.steps.push_back(std::move(step));
        }
        std::stable_sort(s_.steps.begin(), s_.steps.end(), [](const Step& a, const Step& b) { return a.at < b.at; });
        resolve_impair_steps();
        resolve_capture_steps(s_, r_);
    }

    // { process, start = N } or { process, stop = N }, and `copy = K` for one copy only: a lab-client
    // --ping opens N more connections or closes its N newest (sys/connection_commands.hpp).
    void parse_connections_step(const toml::table& ct, Step& step) {
        r_.reject_unknown_keys(ct, {"process", "copy", "start", "stop"}, "connections");
        step.process = r_.string(ct, "process", true).value_or("");
        if (auto copy = r_.integer(ct, "copy", false, 0, kMaxCopies - 1)) step.copy = static_cast<int>(*copy);
        if (ct.contains("start") == ct.contains("stop")) {
            r_.error(ct, "a connections step either starts connections ({ process = \"client1\", start = 1000 }) or "
                         "closes them ({ process = \"client1\", stop = 500 })");
            return;
        }
        const bool start = ct.contains("start");
        step.connections.command = start ? sys::ConnectionCommand::Start : sys::ConnectionCommand::Stop;
        step.connections.count =
            static_cast<int>(r_.integer(ct, start ? "start" : "stop", true, 1, sys::kMaxConnectionsPerCommand).value_or(1));
    }

    // { process, timeout } or { host, sockets, at_least, timeout }.
    void parse_wait(const toml::table& wt, Step& step) {
        r_.reject_unknown_keys(wt, {"process", "host", "sockets", "at_least", "timeout"}, "wait");
        if (auto timeout = r_.duration(wt, "timeout", false)) step.timeout = *timeout;
        const bool on_sockets = wt.contains("sockets") || wt.contains("host") || wt.contains("at_least");
        if (wt.contains("process") == on_sockets) {
            r_.error(wt, "a wait is either on a process ({ process = \"cli\" }) or on sockets "
                         "({ host = \"client\", sockets = { ... }, at_least = N }), not both");
            return;
        }
        if (!on_sockets) {
            step.process = r_.string(wt, "process", true).value_or("");
            return;
        }
        SocketsWait w;
        if (auto host = r_.string(wt, "host", true)) {
            w.host = *host;
            if (!is_host(w.host)) r_.error(*wt.get("host"), fmt::format("host '{}' is not defined in [hosts]", w.host));
        }
        if (const toml::table* sel = r_.table(wt, "sockets", true)) {
            r_.reject_unknown_keys(*sel, {"protocol", "state", "local_port", "remote_port"}, "sockets");
            w.sockets = parse_socket_selector(*sel, r_);
        }
        w.at_least = r_.integer(wt, "at_least", true, 1, 1'000'000).value_or(1);
        step.sockets_wait = std::move(w);
    }

    void check_references() {
        std::map<std::string, SourceLocation> processes, snapshots;
        for (const auto& step : s_.steps) {
            if (step.kind == StepKind::Run && !step.run.name.empty()) {
                auto [it, fresh] = processes.emplace(step.run.name, step.where);
                if (!fresh)
                    r_.error(step.where, fmt::format("process name '{}' is already used at {}", step.run.name,
                                                     it->second.str()));
            }
            if (step.kind == StepKind::Snapshot && !step.snapshot.empty()) {
                auto [it, fresh] = snapshots.emplace(step.snapshot, step.where);
                if (!fresh)
                    r_.error(step.where, fmt::format("snapshot name '{}' is already used at {}", step.snapshot,
                                                     it->second.str()));
            }
        }
        for (const auto& step : s_.steps) {
            const bool names_process =
                step.kind == StepKind::Wait || step.kind == StepKind::Stop || step.kind == StepKind::Connections;
            if (names_process && !step.process.empty()) {
                if (!processes.count(step.process))
                    r_.error(step.where, fmt::format("no process named '{}' is started by any step", step.process));
                else if (step.at < started_at(step.process))
                    r_.error(step.where, fmt::format("process '{}' is started only at {}, after this step",
                                                     step.process, format_duration(started_at(step.process))));
                else if (step.kind == StepKind::Connections && !pings(step.process))
                    r_.error(step.where, fmt::format("process '{}' is not a lab-client --ping (agent = \"client\" with "
                                                     "--ping): only it takes connection commands",
                                                     step.process));
                else if (step.kind == StepKind::Connections && step.copy && *step.copy >= copies_of(step.process))
                    r_.error(step.where, fmt::format("process '{}' has {} cop{} (0 to {}): there is no copy {}",
                                                     step.process, copies_of(step.process),
                                                     copies_of(step.process) == 1 ? "y" : "ies",
                                                     copies_of(step.process) - 1, *step.copy));
            }
        }
        for (const auto& h : s_.hosts)
            for (const auto& route : h.routes) {
                if (route.via.empty() || !is_valid_name(route.via)) continue;
                if (!is_host(route.via))
                    r_.error(route.where, fmt::format("route via '{}': no host of that name", route.via));
                else if (!share_a_link(h.name, route.via))
                    r_.error(route.where, fmt::format("route via '{}': host '{}' shares no link with '{}'", route.via,
                                                      route.via, h.name));
            }
    }

    // A run holds every namespace at once, and a descriptor or two for each in the lab process: a scenario
    // that needs more than the process or the kernel allows is refused here, at [hosts], with the numbers.
    void check_budget() {
        if (!hosts_table_) return;
        const ResourceNeeds needs = resource_needs(s_);
        const std::string namespaces = fmt::format("{} network namespace{}{}", needs.namespaces,
                                                   needs.namespaces == 1 ? "" : "s",
                                                   needs.namespaces > s_.hosts.size() ? " (the switch's included)" : "");
        if (needs.descriptors > limits_.descriptors)
            r_.error(*hosts_table_,
                     fmt::format("{} hosts need {}, and lab holds {} descriptors while it builds them ({} per "
                                 "namespace, {} of its own), but it may open {} (RLIMIT_NOFILE; lab raises its soft "
                                 "limit to the hard one, so raise the hard limit: ulimit -Hn, prlimit, or "
                                 "LimitNOFILE= in a systemd unit)",
                                 s_.hosts.size(), namespaces, needs.descriptors, kDescriptorsPerNamespace,
                                 kDescriptorsOfLab, limits_.descriptors));
        if (limits_.namespaces && needs.namespaces > *limits_.namespaces)
            r_.error(*hosts_table_,
                     fmt::format("{} hosts need {}, but the kernel allows {} per user "
                                 "(/proc/sys/user/max_net_namespaces; namespaces that exist already count too)",
                                 s_.hosts.size(), namespaces, *limits_.namespaces));
    }

    bool share_a_link(const std::string& a, const std::string& b) const {
        return std::any_of(s_.links.begin(), s_.links.end(), [&](const LinkSpec& l) {
            return std::find(l.ends.begin(), l.ends.end(), a) != l.ends.end() &&
                   std::find(l.ends.begin(), l.ends.end(), b) != l.ends.end();
        });
    }

    Duration started_at(const std::string& process) const {
        for (const auto& step : s_.steps)
            if (step.kind == StepKind::Run && step.run.name == process) return step.at;
        return Duration::zero();
    }

    int copies_of(const std::string& process) const {
        for (const auto& step : s_.steps)
            if (step.kind == StepKind::Run && step.run.name == process) return step.run.copies;
        return 1;
    }

    // Whether `process` is a lab-client in ping mode: the only program that takes connection commands
    // (any other would be killed by the signal that carries one).
    bool pings(const std::string& process) const {
        for (const auto& step : s_.steps)
            if (step.kind == StepKind::Run && step.run.name == process)
                return step.run.agent == "client" &&
                       std::find(step.run.command.begin(), step.run.command.end(), "--ping") != step.run.command.end();
        return false;
    }

    KnownNames known_names() const {
        KnownNames k;
        for (const auto& h : s_.hosts) k.hosts.insert(h.name);
        k.snapshots = {"start", "end"};
        for (const auto& step : s_.steps) {
            if (step.kind == StepKind::Snapshot) k.snapshots.insert(step.snapshot);
            if (step.kind == StepKind::Snapshot && step.snapshot_detail == record::kDetailNone)
                k.sockless_snapshots.insert(step.snapshot);
            if (step.kind == StepKind::Run) k.processes.insert(step.run.name);
        }
        if (s_.sample) k.sample = &*s_.sample;
        for (const auto& l : s_.links)
            if (l.capture) k.captured_link_ends[l.name] = std::set<std::string>(l.ends.begin(), l.ends.end());
        return k;
    }

    const toml::table& root_;
    TomlReader r_;
    ResourceLimits limits_;
    const toml::table* hosts_table_ = nullptr;
    Scenario s_;
    std::vector<std::pair<std::size_t, const toml::table*>> pending_impairs_;  // step file index → table
    std::set<std::string> host_names_;
    std::set<std::string> hosts_on_links_;
    struct WrittenSubnet {
        std::optional<Ipv4Cidr> fixed;  // nullopt: none written, or not a lab CIDR (reported already)
        SourceLocation where;           // of the subnet, or of the link when it has none
    };
    std::vector<WrittenSubnet> subnets_;  // parallel to s_.links
};

}  // namespace

ScenarioError::ScenarioError(std::vector<std::string> diagnostics)
    : std::runtime_error(join(diagnostics, "\n")), diagnostics_(std::move(diagnostics)) {}

bool is_valid_name(std::string_view name, std::size_t max_length) {
    if (name.empty() || name.size() > max_length) return false;
    if (name.front() < 'a' || name.front() > 'z') return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

toml::table parse_scenario_toml(std::string_view text, const std::string& file_label) {
    try {
        return toml::parse(text, file_label);
    } catch (const toml::parse_error& e) {
        const auto& b = e.source().begin;
        throw ScenarioError({printable(fmt::format("{}:{}:{}: {}", file_label, b.line, b.column, e.description()))});
    }
}

Scenario parse_scenario_tree(const toml::table& root, const std::string& file_label, const ResourceLimits& limits,
                             const SweepCell* cell) {
    return ScenarioParser(root, file_label, limits, cell).parse();
}

std::string read_scenario_file(const std::string& path) {
    // A scenario is a program root runs: read only what root, lab's user or the sudo caller controls.
    try {
        return sys::read_trusted_file(path, kMaxScenarioFileBytes);
    } catch (const sys::KernelError& e) {
        throw ScenarioError({printable(fmt::format("{}: cannot open: {}", path, e.what()))});
    } catch (const std::exception& e) {
        throw ScenarioError({printable(fmt::format("{}: refused: {}", path, e.what()))});
    }
}

Scenario parse_scenario_text(std::string_view text, const std::string& file_label, const ResourceLimits& limits,
                             const std::map<std::string, std::string>& sweep_set) {
    const toml::table root = parse_scenario_toml(text, file_label);
    TomlReader sweep_reader(file_label);
    const std::optional<SweepSpec> spec = parse_sweep_spec(root, sweep_reader, scenario_name_in(root));
    std::vector<std::string> problems = sweep_reader.diagnostics();
    std::optional<SweepCell> cell;
    if (spec && problems.empty()) {
        auto chosen = cell_with(*spec, sweep_set);
        if (auto* e = std::get_if<ParseError>(&chosen)) problems.push_back(printable(e->message));
        else cell = std::get<SweepCell>(chosen);
    } else if (!spec && !sweep_set.empty()) {
        problems.push_back(printable(fmt::format("{}: --set {}: the scenario has no [sweep] table to set it in", file_label,
                                                 sweep_set.begin()->first)));
    }
    if (!problems.empty()) throw ScenarioError(problems);
    Scenario s = parse_scenario_tree(root, file_label, limits, cell ? &*cell : nullptr);
    if (spec) s.sweep = sweep_run_of(*spec, *cell, text);
    return s;
}

Scenario parse_scenario_file(const std::string& path, const ResourceLimits& limits,
                             const std::map<std::string, std::string>& sweep_set) {
    return parse_scenario_text(read_scenario_file(path), path, limits, sweep_set);
}

std::string scenario_name_in(const toml::table& root) {
    if (const toml::table* sc = root["scenario"].as_table())
        if (auto name = (*sc)["name"].value<std::string>()) return *name;
    return "";
}

record::SweepRun sweep_run_of(const SweepSpec& spec, const SweepCell& cell, std::string_view scenario_text) {
    record::SweepRun r;
    r.sweep = spec.label;
    r.cell_id = sweep_cell_id(scenario_text, cell);
    r.values = cell;
    r.variables = spec.axes();
    r.grid = spec.grid();
    r.rows = spec.rows;
    r.columns = spec.columns;
    return r;
}

}  // namespace lab::runner
