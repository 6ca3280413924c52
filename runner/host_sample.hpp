#pragma once
// One sample of one host for its time series (record/sampled_series.hpp): sockets counted by state and the
// listeners' queues (sock_diag, no object per socket), SNMP counters as rates since the previous sample,
// /proc/net/sockstat, and the resident memory of the processes lab started there.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "record/sampled_series.hpp"
#include "runner/net_counters.hpp"
#include "runner/netns.hpp"
#include "runner/process_roster.hpp"

namespace lab::runner {

// What one host's samples carry from one to the next: the counters last read, for the rates.
struct HostSampleState {
    CounterMap counters;
    std::optional<std::chrono::steady_clock::time_point> counters_at;
};

struct HostSampleRequest {
    const Netns* ns = nullptr;
    std::string host;
    bool count_sockets = true;           // [sample] detail = "counts"
    std::vector<std::string> counters;   // Section.Name of each counter sampled as a rate
};

// Reads the sample; `t` is the time it is filed under (seconds on the timeline). Throws sys::KernelError.
record::SeriesPoint read_host_sample(const HostSampleRequest& request, const ProcessRoster& roster, double t,
                                     HostSampleState& state);

// "TCP: inuse 5 orphan 0 tw 0 alloc 7 mem 1" → sockstat.tcp.inuse = 5, ...; "sockets: used 11" →
// sockstat.sockets.used. Lines that are not "Name: key value ..." pairs are skipped.
std::map<std::string, double> parse_sockstat(std::string_view text);

// The VmRSS line of /proc/PID/status, in bytes; nullopt when there is none (a zombie, a kernel thread).
std::optional<double> parse_vm_rss(std::string_view status);

}  // namespace lab::runner
