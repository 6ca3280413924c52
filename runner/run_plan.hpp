#pragma once
// A validated Scenario bound to one run: its run id and prefix, concrete namespace and interface names,
// addresses, and every command line with its ${...} filled in and its executable found. Everything that
// can fail without touching the kernel fails here.
#include <map>
#include <string>
#include <optional>
#include <vector>

#include "runner/scenario.hpp"
#include "runner/topology.hpp"
#include "sys/invoker.hpp"

namespace lab::runner {

struct PlannedProcess {
    std::string name;
    std::string host;
    std::string executable;
    std::vector<std::string> argv;  // argv[0] included
    int copies = 1;
    bool agent = false;  // its stdout is JSON lines of events
    bool prestart = false;
    std::optional<sys::Credentials> run_as;  // nullopt: root
};

struct RunPlan {
    std::string run_id;  // "3f2a"
    std::string prefix;  // "lab-3f2a": every namespace of the run starts with it
    std::string run_dir;
    TopologySpec topology;
    std::map<std::string, std::vector<std::string>> host_addresses;  // host → its addresses, link order
    std::map<std::string, std::string> host_netns;                   // host → namespace name
    std::map<std::string, PlannedProcess> processes;                 // by process name
    std::map<std::string, std::string> variables;                    // what ${...} expand to
};

// The prefix every lab namespace starts with; `lab clean` removes what carries it.
inline constexpr const char* kNamespacePrefix = "lab-";

// agent_dir is where lab-server and lab-client live (beside the lab binary).
// shaped_middle: what stands between the ends of links that are impaired or have link events.
RunPlan make_plan(const Scenario& scenario, const std::string& run_id, const std::string& run_dir,
                  const std::string& agent_dir, TopologySpec::Middle shaped_middle = TopologySpec::Middle::Bridge);

}  // namespace lab::runner
