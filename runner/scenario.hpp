#pragma once
// The scenario as the parser hands it on: validated, every name resolved, every duration a number,
// every element remembering where in the file it was written (so later errors can point there too).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/units.hpp"
#include "record/run_record.hpp"
#include "runner/lab_addresses.hpp"
#include "shaping/impairment.hpp"
#include "sys/connection_commands.hpp"

namespace lab::runner {

struct SourceLocation {
    std::string file;
    int line = 0;
    int column = 0;
    std::string str() const;  // "file:line:column"
};

struct SysctlValue {
    std::string key;    // "net.ipv4.tcp_synack_retries"
    std::string value;  // as written to /proc/sys
    SourceLocation where;
};

struct RouteSpec {
    std::string to;   // CIDR
    std::string via;  // a host name on a shared link, or an address
    SourceLocation where;
};

struct HostSpec {
    std::string name;
    std::vector<SysctlValue> sysctls;
    std::vector<RouteSpec> routes;
    SourceLocation where;
};

// What one direction of a link does to its frames: "client>server" is what the client sends.
struct DirectedImpairment {
    std::string from;
    std::string to;
    shaping::Impairment impairment;
};

// Packet capture on a link: one pcapng file per end, written by lab itself (runner/link_capture).
struct CaptureSpec {
    static constexpr std::uint32_t kDefaultSnaplen = 262144;           // tcpdump's: whole frames
    static constexpr std::uint64_t kDefaultMaxBytes = 64ULL << 20;      // per file
    bool from_start = true;  // false: a `capture` step starts it
    std::uint32_t snaplen = kDefaultSnaplen;
    std::uint64_t max_bytes = kDefaultMaxBytes;
    SourceLocation where;
};

struct LinkSpec {
    std::string name;                // "link0" unless named
    std::vector<std::string> ends;   // host names; more than two makes a switched segment
    Ipv4Cidr subnet;  // inside 198.18.0.0/15: as the scenario fixed it, or as validation assigned it
    std::vector<DirectedImpairment> impairments;  // static, per direction (two-ended links only)
    bool shaped = false;  // impaired, or the timeline changes it: it gets a middle (switch) namespace
    std::optional<CaptureSpec> capture;  // `capture = true | { ... }`, or a `capture` step names the link
    SourceLocation where;
};

struct ProcessSpec {
    std::string name;
    std::string host;
    std::string agent;                 // "server" | "client" | "" for a command
    std::vector<std::string> command;  // for an agent: its arguments; may hold ${...} references
    int copies = 1;
    // Started before the timeline's clock and held at the first connect or send (sys/connect_gate.hpp)
    // until the step is due: the copies' first packets leave together however slowly the machine starts
    // programs.
    bool prestart = false;
    // Who the program runs as: a passwd name or a uid; "" is lab's default (root, or under sudo the user
    // who ran it; see run_plan.hpp).
    std::string user;
    SourceLocation where;
};

// A wait on the kernel rather than on a process: until `host` shows at least `at_least` of the
// sockets `sockets` selects. Snapshots taken after it see every client connected or refused, however
// slowly a loaded machine started them, instead of whatever a fixed delay happened to catch.
struct SocketsWait {
    std::string host;
    record::SocketSelector sockets;
    std::int64_t at_least = 0;
};

enum class StepKind { Run, Snapshot, Wait, Stop, Impair, Unplug, Replug, Capture, Connections };

struct Step {
    Duration at{};
    StepKind kind = StepKind::Snapshot;
    ProcessSpec run;           // Run
    std::string snapshot;      // Snapshot: its name
    std::string snapshot_detail;  // Snapshot: "full", "counts", "none", or "" (full up to kFullDetailLimit sockets)
    std::string process;       // Wait, Stop, Connections: the process name (all copies)
    sys::ConnectionRequest connections;  // Connections: start or close this many, in every copy ...
    std::optional<int> copy;             // ... or in this one only (0-based, as in the record)
    std::optional<SocketsWait> sockets_wait;  // Wait: on sockets instead of a process
    std::string link;          // Impair, Unplug, Replug, Capture
    bool capture_on = true;    // Capture: start (true) or stop writing the link's frames
    std::vector<DirectedImpairment> impairments;  // Impair: each direction's new setting, whole
    std::size_t file_index = 0;  // position among the file's steps, before sorting by time
    Duration timeout{};        // Wait: how long at most
    SourceLocation where;
};

// [sample]: every `every`, each of `hosts` is read (sockets counted, counters, sockstat, RSS) into the
// record's series (record/sampled_series.hpp), from the start of the timeline to its end.
struct SampleSpec {
    Duration every = std::chrono::seconds(1);
    std::vector<std::string> hosts;     // every host when the scenario lists none
    std::string detail = "counts";      // "counts" | "none" (no sockets: counters, sockstat and RSS only)
    std::vector<std::string> counters;  // counters sampled as rates: the defaults and these
    SourceLocation where;
};

struct Scenario {
    std::string file;
    std::string name;
    std::string summary;
    std::string source_doc;
    std::string source_kernel;
    std::string source_note;
    std::string compression;
    Duration time_limit = std::chrono::seconds(60);
    std::vector<HostSpec> hosts;  // in file order
    std::vector<LinkSpec> links;
    std::vector<Step> steps;      // sorted by `at`, file order kept among equal times
    std::vector<record::Expectation> expectations;
    std::vector<record::Metric> metrics;  // [[metric]]: the numbers a sweep reports per run
    std::optional<SampleSpec> sample;     // [sample]: a time series of the hosts
    // With a [sweep] table: the cell this scenario was parsed for (repeat and repeats are the caller's).
    std::optional<record::SweepRun> sweep;

    const HostSpec* find_host(const std::string& name) const;
};

}  // namespace lab::runner
