#pragma once
// The [[expect]] and [[metric]] tables of a scenario → record::Expectation and record::Metric, checked
// against the names the rest of the scenario defines (hosts, snapshots, processes) so that a typo fails
// validation, not the verdict.
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "record/run_record.hpp"
#include "runner/toml_reader.hpp"

namespace lab::runner {

struct KnownNames {
    std::set<std::string> hosts;
    std::set<std::string> snapshots;
    std::set<std::string> sockless_snapshots;  // taken with detail = "none"
    std::set<std::string> processes;
    std::map<std::string, std::set<std::string>> captured_link_ends;  // captured link → its hosts
    const SampleSpec* sample = nullptr;                                // [sample], when the scenario has one
};

std::vector<record::Expectation> parse_expectations(const toml::table& root, TomlReader& reader,
                                                    const KnownNames& names);

// The [[metric]] tables: an id, a description, a unit, what the source documented, and a selection as
// an expectation has (plus `timing` on events). A metric has no comparison: it is reported, not judged.
std::vector<record::Metric> parse_metrics(const toml::table& root, TomlReader& reader, const KnownNames& names);

// Metric ids name CSV rows and plot files: lower-case letters, digits, '-' and '_', at most 48.
bool is_valid_metric_id(std::string_view id);

// A `sockets = { protocol, state, local_port, remote_port }` table (the caller rejects unknown keys:
// an expectation also allows `metric`).
record::SocketSelector parse_socket_selector(const toml::table& sockets, TomlReader& reader);

// The socket states sock_diag reports, as scenarios spell them.
bool is_socket_state(const std::string& state);

}  // namespace lab::runner
