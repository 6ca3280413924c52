#pragma once
// The RunRecord: everything one run observed, self-describing, written as JSON into the run directory.
// runner/ produces it, analysis/ judges it; neither includes the other, so this header is where they meet.
// `lab report` re-judges a stored record, so nothing here may point back into the live run.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "record/sampled_series.hpp"
#include "record/sweep_grid.hpp"

namespace lab::record {

inline constexpr const char* kSchema = "lab.run-record/1";

struct SocketEntry {
    std::string protocol;  // "tcp" | "udp"
    std::string state;     // "listen", "established", "syn-recv", ... (lower case, as sock_diag names them)
    std::string local_addr;
    std::uint16_t local_port = 0;
    std::string remote_addr;
    std::uint16_t remote_port = 0;
    std::uint32_t recv_q = 0;  // listener: accept-queue length
    std::uint32_t send_q = 0;  // listener: backlog
    std::uint64_t inode = 0;
};

// Which sockets an expectation or a wait step counts. Empty states or unset ports select any.
struct SocketSelector {
    std::string protocol = "tcp";
    std::vector<std::string> states;
    std::optional<std::uint16_t> local_port;
    std::optional<std::uint16_t> remote_port;

    bool selects(const SocketEntry& s) const;
    std::string text() const;  // "tcp established|syn-sent remote port 9999", for messages
};

using Counters = std::map<std::string, std::int64_t>;  // "TcpExt.ListenOverflows" → value

// How much of a host's sockets a snapshot keeps (record/snapshot_detail.hpp says what each level holds).
inline constexpr const char* kDetailFull = "full";
inline constexpr const char* kDetailCounts = "counts";
inline constexpr const char* kDetailNone = "none";

// A counts-level snapshot's tally of the sockets it does not keep whole: how many share a protocol, a
// state and a port. A socket on a port the host serves (a TCP listener's, an unconnected UDP socket's) is
// counted under its local port, any other (a client's) under its remote port, so the rows stay few however
// many sockets there are: states × (served ports + ports connected to).
struct SocketCount {
    std::string protocol;
    std::string state;
    std::optional<std::uint16_t> local_port;   // set: a socket on a served port
    std::optional<std::uint16_t> remote_port;  // set: any other socket
    std::uint64_t count = 0;
};

struct HostView {
    // detail full: every socket. counts: only TCP listeners and unconnected UDP sockets (their queues);
    // every other socket is in socket_counts. none: nothing.
    std::vector<SocketEntry> sockets;
    Counters counters;
    // When the counters were read, on the timeline's clock (negative for the start snapshot, read just
    // before the clock started). A rate between two snapshots divides by these, not by the snapshots'
    // t: reading every socket first can take long and unevenly on a slow machine (a TCG guest).
    std::optional<double> counters_t;
    std::string detail = kDetailFull;  // "full" | "counts" | "none"
    std::vector<SocketCount> socket_counts = {};
};

struct Snapshot {
    std::string name;
    double t = 0;  // seconds since the timeline started
    std::map<std::string, HostView> hosts;
};

// One line an agent writes once a second (op "second", e.g. lab-client --ping): what happened in that
// second (connects attempted / ok / failed by errno, pings, pongs, timeouts), gauges at its end
// (established), and latency percentiles from the agent's histogram ("connect_us.p99", "rtt_us.max").
// Kept per process as a time series rather than among the events, so that a long run at scale reads as
// a curve and expectations over events never count these lines.
struct AgentSample {
    double t = 0;  // the end of the second, on the timeline's clock
    std::map<std::string, double> values;
};

struct ProcessResult {
    std::string name;   // as in the scenario
    int instance = 0;   // 0..copies-1
    std::string host;
    std::vector<std::string> argv;
    int pid = 0;
    std::int64_t uid = 0;  // the user it ran as (0: root; under sudo, by default the user who ran lab)
    double started_t = 0;  // negative for a prestarted copy: it started before the timeline's clock
    std::optional<double> held_t = std::nullopt;      // a prestarted copy: when it reached its first connect or send
    std::optional<double> released_t = std::nullopt;  // ... and when the gate let that call go
    std::optional<double> ended_t;
    std::optional<int> exit_code;  // set when it exited by itself
    std::optional<int> signal;     // set when a signal ended it
    bool stopped_by_lab = false;   // the lab ended it (end of run, stop step or time limit)
    std::string stdout_path;
    std::string stderr_path;
    std::vector<AgentSample> series;  // the agent's per-second lines, in order; empty for most agents
};

// When one timeline step ran against when it was due: its `at`, or later when a wait or stop step before
// it held the timeline (that is the scenario's intent, not lateness). A loaded machine shows up here.
struct StepTiming {
    std::string step;    // "run 'nc' ×100", "snapshot 'settled'", ...
    std::string origin;  // "scenarios/x.toml:63:1"
    double due_t = 0;
    double started_t = 0;
    double ended_t = 0;
    // A run step of prestarted copies: how many held calls it let go, and first to last of them.
    std::optional<int> released = std::nullopt;
    std::optional<double> release_spread_s = std::nullopt;
    // A wait that ended at its timeout: the state it waited for did not come in time (the machine was too
    // slow for the scenario, or the kernel did something else), so what is observed after it is suspect.
    bool timed_out = false;
};

// One line an agent wrote, with its times moved onto the timeline's clock.
struct Event {
    std::string process;
    int instance = 0;
    std::string agent;
    std::string group;
    int conn = -1;
    std::string op;
    std::string arg;
    std::string result;
    std::string errno_name;  // "" when none
    std::int64_t bytes = 0;
    double start_t = 0;
    double end_t = 0;
    // The line's other top-level numbers ("datagrams", "drops", "sent", ...), which events
    // expectations can sum; "conn", "bytes" and the two times have their own fields. Numbers one
    // object down are named with a dot: "tcp_info.retransmits", "tcp_info.rtt_us".
    std::map<std::string, double> values;
};

enum class ExpectKind { Sockets, Counter, Events, Exit, Output, Packets, Series };

// Output: numbers a program printed, read from its stdout or stderr with a regular expression (RE2
// syntax) that has exactly one capture group. Each matching line gives the number its group captured;
// `matches` folds one instance's lines ("sum", "last" or "count" of the matching lines), then the
// instances are summed, or `instance` picks one, or `per_instance` takes their "min" or "max".
struct OutputSelector {
    std::string stream = "stdout";  // "stdout" | "stderr"
    std::string pattern;
    std::string matches = "sum";
    std::optional<int> instance;
    std::string per_instance;  // "" (sum over the instances) | "min" | "max"
};

// What a program printed, kept in the record for the output selectors that read it (only those streams,
// and at most kKeptOutputBytes of each), so that a stored record can be judged again without its run
// directory.
struct ProcessOutput {
    std::string process;
    int instance = 0;
    std::string stream;  // "stdout" | "stderr"
    std::string text;
    std::uint64_t bytes = 0;  // the whole stream's size: more than text.size() when it was cut
};

inline constexpr std::size_t kKeptOutputBytes = 1 << 20;

// Packets: the frames of one link end's capture that a pcap filter matches, between two snapshots.
struct PacketSelector {
    std::string link;
    std::string filter;  // a pcap filter expression, as tcpdump takes it ("" matches every frame)
    std::string from;    // snapshot names; "" = from the capture's first frame / to its last
    std::string to;
};

// Series: one number out of a sampled time series ([sample]): a host's metric reduced over the samples
// ("max", "min", "mean", "first", "last"), or taken at a time (the last sample at or before `at_s`),
// within [from_s, to_s] when given.
struct SeriesSelector {
    std::string host;
    std::string metric;  // "sockets.established", "rate.TcpExt.ListenOverflows", "rss.srv", ...
    std::string reduce;  // "" when at_s is given
    std::optional<double> at_s;
    std::optional<double> from_s;
    std::optional<double> to_s;
};

// What one number of a run is: a selector over the record, with no judgement attached. Expectations
// compare it; metrics report it (one number per run, tabulated across the cells of a sweep). Exactly one
// selector group is used, by kind.
struct Selection {
    ExpectKind kind = ExpectKind::Sockets;
    std::string at = "end";  // snapshot name (Sockets, Counter)
    std::string host;        // Sockets, Counter
    // Sockets
    SocketSelector sockets;
    std::string metric = "count";  // count | recv_q | send_q (summed over the selected sockets)
    // Counter: delta from the "start" snapshot to `at`
    std::string counter;
    // Events / Exit
    std::string process;
    std::string group;
    std::string op;
    std::string result;
    std::string errno_name;
    std::optional<int> exit_code;  // Exit: count instances that exited with this code
    // Events: sum these numeric fields of the selected events ("bytes" or a name in Event::values)
    // instead of counting the events.
    std::vector<std::string> sum;
    // Events: "" (one number over all selected events), or per connection (process, instance, conn)
    // first, then "min", "max" or "nonzero" (how many connections have a non-zero number).
    std::string per_conn;
    // Events: only the ops of this wave of a lab-client started with --waves (0 is the first).
    std::optional<int> wave;
    // Events: how long the selected ops took (end_t - start_t), in milliseconds: "min", "p50", "p90",
    // "p99", "max" or "mean" over them, instead of a count. "How long until recv() reports ECONNRESET".
    // Or "start_spread": first start to last start, in milliseconds ("how long the wave took to leave").
    std::string timing;
    // Output: process (above) names the program.
    OutputSelector output;
    // Packets (with `host`: the link end whose capture is read)
    PacketSelector packets;
    SeriesSelector series;
};

// A structured expectation, already validated by the parser: a selection and a comparison.
struct Expectation : Selection {
    std::string id;
    std::string description;
    std::string origin;  // "scenarios/x.toml:41:1", so a failing verdict points at its line
    // Comparison: any combination; all given must hold. In a sweep the parser has already worked out
    // "${sweep.backlog} + 1" for the cell, so these are plain numbers here.
    std::optional<double> equals;
    std::optional<double> min;
    std::optional<double> max;
    std::string same_as;  // id of another expectation whose observed value this one must equal
    // What the source document reported, shown beside the observation; never judged.
    std::string documented;
    std::string kernel;  // optional condition such as ">=4.4" or "<5.0"; outside it the verdict is "skip"
    // A condition on the sweep cell, as written with the cell's values in ("1 == 0"): where it does not
    // hold the verdict is "skip" — an invariant that only some cells of a grid have.
    std::string when;
    bool when_holds = true;
    // A condition for the run to mean what the scenario says, not a finding about the kernel: "the
    // second wave's SYNs all left within one round trip". Where a guard fails, the machine could not
    // keep the scenario's pace, and the run counts as having fallen behind (as a late step does).
    bool guard = false;
};

// A number a scenario reports per run ([[metric]]): what a sweep tabulates and plots across its cells.
struct Metric : Selection {
    std::string id;
    std::string description;
    std::string origin;
    std::string unit;        // for table headers and plot axes: "ms", "connections"; "" for a plain count
    std::string documented;  // what the source reported (for the scenario's own settings), shown beside
};

// A metric's number in one run, or why there is none (a snapshot not taken, no event matched).
struct MetricValue {
    std::string id;
    std::optional<double> value;
    std::string problem;  // set exactly when value is not
};

// One variable's value in a sweep cell: as written in the scenario ("30", "25ms", "cubic"), and as a
// number when the scenario wrote a TOML integer, float or boolean.
struct SweepValue {
    std::string name;
    std::string text;
    std::optional<double> number;
};

// One axis of a sweep: a variable and the values it takes, in the order the scenario lists them.
struct SweepVariable {
    std::string name;
    std::vector<std::string> values;
};

// Which cell of which sweep a run was. Every record of a sweep carries the sweep's axes too, so that
// tables can be rebuilt from any set of records (one machine's, a cluster's shards) with nothing else.
struct SweepRun {
    std::string sweep;                    // the sweep's label: the scenario name unless given
    std::string cell_id;                  // stable: a hash of the scenario's text and the cell's values
    std::vector<SweepValue> values;       // this cell's, in the declared order of the variables
    int repeat = 0;                       // 0 .. repeats-1
    int repeats = 1;
    std::vector<SweepVariable> variables;  // the whole grid's axes, declared order
    SweepGrid grid;                       // which combinations of the axes are cells (sweep_grid.hpp)
    std::string rows;                     // the variable that pivot tables put in rows ("" = the first)
    std::string columns;                  // ... and in columns ("" = the second)
};

enum class VerdictStatus { Pass, Fail, Skip };

struct Verdict {
    std::string id;
    std::string description;
    std::string origin;
    std::string expected;
    std::string observed;
    std::string documented;
    VerdictStatus status = VerdictStatus::Skip;
    std::string detail;  // why it failed or was skipped, in one line
};

struct ScenarioInfo {
    std::string name;
    std::string summary;
    std::string file;
    std::string source_doc;
    std::string source_kernel;
    std::string compression;  // how the scenario shortens the documented procedure
};

struct HostInfo {
    std::string name;
    std::string netns;
    std::vector<std::string> addresses;
    std::map<std::string, std::string> sysctls;  // as read back from inside the namespace
};

// One pcapng file a run wrote: a link end's frames as its interface saw them (runner/link_capture).
struct CaptureFile {
    std::string link;
    std::string host;
    std::string netns;
    std::string interface;  // the name inside the namespace, also the file's if_name
    std::string file;       // relative to the run directory: "captures/lan.server.pcapng"
    std::string path;       // as written (for messages and the tcpdump command)
    std::uint32_t snaplen = 0;
    std::uint64_t max_bytes = 0;
    std::uint64_t packets = 0;      // frames written
    std::uint64_t bytes = 0;        // their lengths on the wire
    std::uint64_t dropped = 0;      // frames the kernel dropped before lab read them (socket buffer full)
    std::uint64_t not_written = 0;  // frames seen after the file reached max_bytes
    // CLOCK_REALTIME at the timeline's t = 0, so frame times (real time, in the file) map onto snapshots.
    std::int64_t timeline_zero_unix_ns = 0;
    std::string problem;  // why the capture stopped early or never ran; "" when it ran to the end
};

// How a run ended: its timeline played to the end, the time limit stopped it, a signal interrupted it,
// or an error (bad input found late, the kernel refused) stopped it before or while it played.
enum class RunOutcome { Completed, TimeLimit, Interrupted, Error };

struct RunInfo {
    std::string id;
    std::string prefix;
    std::string directory;
    std::string started_at;  // ISO 8601, UTC
    double wall_seconds = 0;
    std::string kernel;      // uname -r
    std::string machine;     // uname -m
    std::string hostname;
    std::string lab_version;
    std::string impairment_backend = "none";
    RunOutcome outcome = RunOutcome::Completed;
    std::string outcome_detail;
    // How the run's processes, and whatever they start, are kept and ended: "cgroup <path>", or "network
    // namespaces" where the kernel offers no cgroup v2 (a process that leaves them can outlive the run).
    std::string containment;
    double time_limit_s = 0;
};

struct RunRecord {
    std::string schema = kSchema;
    ScenarioInfo scenario;
    RunInfo run;
    std::vector<HostInfo> hosts;
    std::vector<Snapshot> snapshots;
    std::vector<StepTiming> timeline;
    std::vector<ProcessResult> processes;
    std::vector<Event> events;
    std::vector<ProcessOutput> outputs;  // the streams output selectors read
    std::vector<Expectation> expectations;
    std::vector<Verdict> verdicts;
    std::vector<Metric> metrics;
    std::vector<MetricValue> metric_values;  // one per metric, same order; filled by analysis like verdicts
    std::optional<SweepRun> sweep;            // set when the run was one cell of a sweep (or `lab run --set`)
    std::vector<CaptureFile> captures;        // one per captured link end
    std::vector<HostSeries> series;           // [sample]: one per sampled host (record/sampled_series.hpp)
};

const char* to_string(ExpectKind k);
const char* to_string(RunOutcome o);  // "completed", "time-limit", "interrupted", "error"
// Whether a run's verdicts are findings: not for an error (it observed nothing) nor for an interrupted run
// (stopped by its user mid-timeline; `lab sweep --resume` runs it again). A run that reached its time
// limit is judged: being late is part of what it observed.
bool outcome_is_judged(RunOutcome o);
const char* to_string(VerdictStatus s);

nlohmann::json to_json(const RunRecord& r);
RunRecord run_record_from_json(const nlohmann::json& j);  // throws std::runtime_error naming the bad field

void to_json(nlohmann::json& j, const Expectation& e);
void from_json(const nlohmann::json& j, Expectation& e);
void to_json(nlohmann::json& j, const Verdict& v);
void to_json(nlohmann::json& j, const Metric& m);
void from_json(const nlohmann::json& j, Metric& m);
void from_json(const nlohmann::json& j, Verdict& v);

}  // namespace lab::record
