// End-to-end: runs the `lab` binary as a user would and checks what the kernel produced, read back from
// the RunRecord the run wrote — never only that a command ran.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include <boost/process.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "record/run_record.hpp"

namespace bp = boost::process;
namespace fs = std::filesystem;
using ::testing::HasSubstr;
using Json = nlohmann::json;

namespace {

const std::string kLab = std::string(LAB_BIN_DIR) + "/lab";
const std::string kScenarios = std::string(LAB_SOURCE_DIR) + "/scenarios";

struct Result {
    int exit_code = -1;
    std::string out;
    std::string err;
};

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class LabCli : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root: builds network namespaces";
        dir_ = fs::temp_directory_path() / ("lab-e2e-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override {
        if (!dir_.empty()) fs::remove_all(dir_);
    }

    Result lab(std::vector<std::string> args) {
        Result r;
        fs::path out = dir_ / "stdout", err = dir_ / "stderr";
        fs::remove(out);  // boost.process appends to an existing file
        fs::remove(err);
        r.exit_code = bp::system(bp::exe = kLab, bp::args = args, bp::std_in < bp::null, bp::std_out > out.string(),
                                 bp::std_err > err.string());
        r.out = slurp(out);
        r.err = slurp(err);
        return r;
    }

    // The one record a `lab run --out runs_dir()` of one scenario wrote.
    lab::record::RunRecord only_record() {
        std::vector<fs::path> found;
        for (const auto& e : fs::recursive_directory_iterator(runs_dir()))
            if (e.path().filename() == "record.json") found.push_back(e.path());
        EXPECT_EQ(found.size(), 1u);
        if (found.empty()) return {};
        return lab::record::run_record_from_json(Json::parse(slurp(found.front())));
    }

    std::string runs_dir() const { return (dir_ / "runs").string(); }

    std::string write(const std::string& name, const std::string& text) {
        fs::path p = dir_ / name;
        std::ofstream(p) << text;
        return p.string();
    }

    fs::path dir_;
};

std::set<std::string> lab_namespaces() {
    std::set<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/run/netns", ec)) {
        std::string n = e.path().filename().string();
        if (n.rfind("lab-", 0) == 0) out.insert(n);
    }
    return out;
}

const lab::record::Snapshot& snapshot(const lab::record::RunRecord& r, const std::string& name) {
    for (const auto& s : r.snapshots)
        if (s.name == name) return s;
    throw std::runtime_error("no snapshot " + name);
}

template <typename Pred>
int count_sockets(const lab::record::Snapshot& s, const std::string& host, Pred pred) {
    int n = 0;
    for (const auto& sock : s.hosts.at(host).sockets) n += pred(sock) ? 1 : 0;
    return n;
}

std::int64_t counter_delta(const lab::record::RunRecord& r, const std::string& host, const std::string& snap,
                           const std::string& counter) {
    return snapshot(r, snap).hosts.at(host).counters.at(counter) - snapshot(r, "start").hosts.at(host).counters.at(counter);
}

int count_events(const lab::record::RunRecord& r, const std::string& process, const std::string& op,
                 const std::string& result) {
    int n = 0;
    for (const auto& e : r.events) n += e.process == process && e.op == op && e.result == result;
    return n;
}

// A small, fast scenario: one listener (backlog 4, never accepts) and 12 agent connections.
std::string small_scenario(const std::string& expect_queue) {
    return R"([scenario]
name = "small"
summary = "backlog 4, never accept, 12 connects"
time_limit = "15s"

[hosts.server]
sysctl = { "net.ipv4.tcp_syncookies" = 0, "net.ipv4.tcp_synack_retries" = 1, "net.core.somaxconn" = 77 }
[hosts.client]
sysctl = { "net.ipv4.tcp_syn_retries" = 1 }

[[links]]
ends = ["server", "client"]

[[steps]]
at = "0s"
run = { name = "srv", host = "server", agent = "server", args = ["--port", "7100", "--backlog", "4", "--accept", "never"] }
[[steps]]
at = "200ms"
run = { name = "cli", host = "client", agent = "client", args = ["--target", "${hosts.server.addr}:7100", "--connections", "12", "--ops", "connect:2s", "--hold", "1s"] }
[[steps]]
at = "1s"
snapshot = "full"

[[expect]]
id = "deliberately-checked"
description = "accept queue of the small listener"
at = "full"
host = "server"
sockets = { state = "listen", local_port = 7100, metric = "recv_q" }
equals = )" + expect_queue + "\n";
}

TEST_F(LabCli, BacklogThirtyNetcatReplaysTheDocumentedQueue) {
    Result r = lab({"run", "--out", runs_dir(), kScenarios + "/backlog-30-netcat.toml"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("15/15 expectations passed"));
    auto rec = only_record();
    const auto& settled = snapshot(rec, "settled");
    // The kernel's own numbers: the listener's accept queue is backlog + 1 and holds that many children.
    int queue = 0;
    for (const auto& s : settled.hosts.at("server").sockets)
        if (s.state == "listen" && s.local_port == 9999) queue = static_cast<int>(s.recv_q);
    EXPECT_EQ(queue, 31);
    EXPECT_EQ(count_sockets(settled, "server", [](auto& s) { return s.state == "established" && s.local_port == 9999; }), 31);
    EXPECT_EQ(count_sockets(settled, "client",
                            [](auto& s) { return (s.state == "established" || s.state == "syn-sent") && s.remote_port == 9999; }),
              100);
    EXPECT_EQ(count_sockets(snapshot(rec, "clients-gone"), "server",
                            [](auto& s) { return s.state == "close-wait" && s.local_port == 9999; }),
              31);
    EXPECT_GT(counter_delta(rec, "server", "settled", "TcpExt.ListenOverflows"), 0);
    EXPECT_EQ(rec.hosts.at(0).sysctls.at("net.ipv4.tcp_syncookies"), "0");
    for (const auto& v : rec.verdicts) EXPECT_EQ(v.status, lab::record::VerdictStatus::Pass) << v.id << ": " << v.detail;
}

TEST_F(LabCli, ParallelConnectHalfOpenShowsWhatThisKernelDoes) {
    Result r = lab({"run", "--out", runs_dir(), kScenarios + "/parallel-connect-half-open.toml"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto rec = only_record();
    for (const char* seq : {"seq1", "seq2", "seq3", "seq4"}) {
        EXPECT_EQ(count_events(rec, seq, "connect", "ok"), 6) << seq;  // backlog 5 + 1 per listener
        EXPECT_EQ(count_events(rec, seq, "connect", "error") + count_events(rec, seq, "connect", "timeout"), 14) << seq;
    }
    EXPECT_EQ(count_events(rec, "seq1", "recv", "ok"), 6);
    EXPECT_EQ(count_events(rec, "seq3", "recv", "timeout"), 6);
    EXPECT_EQ(count_events(rec, "srv1", "accept", "ok"), 6);
    EXPECT_EQ(count_sockets(snapshot(rec, "queues-full"), "server", [](auto& s) { return s.state == "syn-recv"; }), 0);
    EXPECT_GE(counter_delta(rec, "server", "end", "TcpExt.ListenOverflows"), 56);
}

TEST_F(LabCli, AWrongExpectationExitsOneAndNamesIt) {
    std::string file = write("wrong.toml", small_scenario("999"));
    Result r = lab({"run", "--out", runs_dir(), file});
    EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    EXPECT_THAT(r.out, HasSubstr("accept queue of the small listener"));
    EXPECT_THAT(r.out, HasSubstr("FAIL"));
    std::string text = small_scenario("999");
    int expect_line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + text.find("[[expect]]"), '\n'));
    EXPECT_THAT(r.out, HasSubstr(file + ":" + std::to_string(expect_line) + ":1"));  // the [[expect]] that failed
    EXPECT_THAT(r.out, HasSubstr("observed 5"));     // backlog 4 + 1
    auto rec = only_record();
    ASSERT_EQ(rec.verdicts.size(), 1u);
    EXPECT_EQ(rec.verdicts[0].observed, "5");
}

TEST_F(LabCli, AMalformedScenarioExitsTwoAndCreatesNothing) {
    auto before = lab_namespaces();
    std::string text = small_scenario("5");
    text.replace(text.find("time_limit"), 10, "timelimit");
    std::string file = write("bad.toml", text);
    Result r = lab({"run", "--out", runs_dir(), file});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr(file + ":4:1: unknown key 'timelimit' in [scenario]"));
    EXPECT_THAT(r.err, HasSubstr("nothing was run"));
    EXPECT_EQ(lab_namespaces(), before);
    EXPECT_FALSE(fs::exists(runs_dir()));
}

TEST_F(LabCli, HostSysctlsAreUntouchedByARun) {
    const std::vector<std::string> keys = {"/proc/sys/net/ipv4/tcp_syncookies", "/proc/sys/net/ipv4/tcp_synack_retries",
                                           "/proc/sys/net/ipv4/tcp_syn_retries", "/proc/sys/net/core/somaxconn"};
    std::vector<std::string> before;
    for (const auto& k : keys) before.push_back(slurp(k));
    Result r = lab({"run", "--out", runs_dir(), write("ok.toml", small_scenario("5"))});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto rec = only_record();
    EXPECT_EQ(rec.hosts.at(0).sysctls.at("net.core.somaxconn"), "77");  // the lab host did change
    for (std::size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(slurp(keys[i]), before[i]) << keys[i];
}

TEST_F(LabCli, SigkillMidRunThenCleanLeavesNothing) {
    auto before = lab_namespaces();
    std::string text = small_scenario("5");
    text.replace(text.find("time_limit = \"15s\""), 18, "time_limit = \"60s\"");
    text += "\n[[steps]]\nat = \"50s\"\nsnapshot = \"late\"\n";
    bp::child run(bp::exe = kLab, bp::args = {"run", "--out", runs_dir(), write("long.toml", text)},
                  bp::std_in < bp::null, bp::std_out > bp::null, bp::std_err > bp::null);
    std::set<std::string> ours;
    for (int i = 0; i < 200 && ours.size() < 2; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
        ours.clear();
        for (const auto& n : lab_namespaces())
            if (!before.count(n)) ours.insert(n);
    }
    ASSERT_EQ(ours.size(), 2u) << "the run's namespaces never appeared";
    std::this_thread::sleep_for(std::chrono::milliseconds(800));  // agents started and connected
    auto inode_of = [](const fs::path& p) {
        struct stat st {};
        return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
    };
    std::set<ino_t> our_inodes;
    for (const auto& n : ours) our_inodes.insert(inode_of("/run/netns/" + n));
    auto processes_inside = [&] {
        int n = 0;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator("/proc", ec))
            n += our_inodes.count(inode_of(e.path() / "ns/net")) ? 1 : 0;
        return n;
    };
    ASSERT_GE(processes_inside(), 2) << "the agents were not running inside the run's namespaces";
    ::kill(run.id(), SIGKILL);
    run.wait();
    // A SIGKILLed run leaves its namespaces (nothing could remove them) ...
    for (const auto& n : ours) EXPECT_TRUE(fs::exists("/run/netns/" + n)) << n;
    Result clean = lab({"clean"});
    EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
    for (const auto& n : ours) {
        EXPECT_THAT(clean.out, HasSubstr("removed namespace " + n));
        EXPECT_FALSE(fs::exists("/run/netns/" + n)) << n;
    }
    // ... and no process of the run survives inside them.
    EXPECT_EQ(processes_inside(), 0);
    Result again = lab({"clean", "--dry-run"});
    for (const auto& n : ours) EXPECT_THAT(again.out, ::testing::Not(HasSubstr(n)));
}

TEST_F(LabCli, TheTimeLimitStopsEverythingAndTheVerdictSaysSo) {
    std::string text = small_scenario("5");
    text.replace(text.find("time_limit = \"15s\""), 18, "time_limit = \"2s\"");
    text.replace(text.find("\"--hold\", \"1s\""), 14, "\"--hold\", \"30s\"");
    text += "\n[[steps]]\nat = \"1500ms\"\nwait = { process = \"cli\" }\n";
    auto before = lab_namespaces();
    Result r = lab({"run", "--out", runs_dir(), write("limit.toml", text)});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;  // the snapshot was taken before the limit
    EXPECT_THAT(r.out, HasSubstr("time-limit"));
    auto rec = only_record();
    EXPECT_EQ(rec.run.outcome, "time-limit");
    EXPECT_NEAR(rec.snapshots.back().t, 2.0, 0.5);  // the end snapshot, taken at the limit
    for (const auto& p : rec.processes) {
        EXPECT_TRUE(p.stopped_by_lab) << p.name;
        EXPECT_TRUE(p.ended_t.has_value()) << p.name;
    }
    EXPECT_EQ(lab_namespaces(), before);
}

TEST_F(LabCli, SigintTearsTheLabDownAndRecordsTheInterruption) {
    std::string text = small_scenario("5");
    text.replace(text.find("time_limit = \"15s\""), 18, "time_limit = \"60s\"");
    text += "\n[[steps]]\nat = \"50s\"\nsnapshot = \"late\"\n";
    auto before = lab_namespaces();
    bp::child run(bp::exe = kLab, bp::args = {"run", "--out", runs_dir(), write("int.toml", text)},
                  bp::std_in < bp::null, bp::std_out > bp::null, bp::std_err > bp::null);
    for (int i = 0; i < 200 && lab_namespaces().size() < before.size() + 2; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(25));
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    // A live run is not a leftover: `lab clean` keeps it.
    Result clean = lab({"clean"});
    EXPECT_EQ(clean.exit_code, 0);
    EXPECT_THAT(clean.out, HasSubstr("is still running"));
    EXPECT_EQ(lab_namespaces().size(), before.size() + 2);
    ::kill(run.id(), SIGINT);
    run.wait();
    EXPECT_EQ(run.exit_code(), 2);
    EXPECT_EQ(lab_namespaces(), before);
    auto rec = only_record();
    EXPECT_EQ(rec.run.outcome, "interrupted");
    for (const auto& p : rec.processes) EXPECT_TRUE(p.ended_t.has_value()) << p.name;
}

TEST_F(LabCli, WithoutRootItSaysSoAndExitsTwo) {
    // Copies an unprivileged user can reach even when the checkout sits in a root-only directory.
    fs::permissions(dir_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
    fs::copy_file(kLab, dir_ / "lab");
    fs::copy_file(kScenarios + "/backlog-30-netcat.toml", dir_ / "s.toml");
    fs::permissions(dir_ / "s.toml", fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
    fs::path err = dir_ / "stderr";
    int code = bp::system(bp::search_path("setpriv"),
                          bp::args = {"--reuid=65534", "--regid=65534", "--clear-groups", (dir_ / "lab").string(), "run",
                                      (dir_ / "s.toml").string()},
                          bp::std_in < bp::null, bp::std_out > bp::null, bp::std_err > err.string());
    EXPECT_EQ(code, 2);
    EXPECT_THAT(slurp(err), HasSubstr("lab run needs root"));
}

TEST_F(LabCli, ValidateAndListNeedNoRootAndDescribeTheCatalogue) {
    Result v = lab({"validate", kScenarios});
    EXPECT_EQ(v.exit_code, 0) << v.err;
    EXPECT_THAT(v.out, HasSubstr("ok  " + kScenarios + "/backlog-30-netcat.toml"));
    Result l = lab({"list", kScenarios});
    EXPECT_EQ(l.exit_code, 0);
    EXPECT_THAT(l.out, HasSubstr("parallel-connect-half-open"));
    EXPECT_THAT(l.out, HasSubstr("seed 001, 2.6.26"));
}

}  // namespace

namespace {

const std::string kE2eScenarios = std::string(LAB_SOURCE_DIR) + "/tests/e2e/scenarios";

double duration_of(const lab::record::Event& e) { return e.end_t - e.start_t; }

TEST_F(LabCli, DelayOf25msEachWayGivesARoundTripOf50To60ms) {
    Result r = lab({"run", "--out", runs_dir(), kE2eScenarios + "/delay-rtt.toml"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto rec = only_record();
    EXPECT_NE(rec.run.impairment_backend, "none");
    int connects = 0;
    for (const auto& e : rec.events)
        if (e.process == "cli" && e.op == "connect" && e.result == "ok") {
            ++connects;
            EXPECT_GE(duration_of(e), 0.050) << "conn " << e.conn;
            EXPECT_LE(duration_of(e), 0.060) << "conn " << e.conn;
        }
    EXPECT_EQ(connects, 20);
    for (const auto& p : rec.processes)
        if (p.name.rfind("wire-", 0) == 0) {
            EXPECT_EQ(p.exit_code, 0) << p.name;
        }
}

TEST_F(LabCli, LossOf20PercentIsObservedWithinItsBinomialInterval) {
    Result r = lab({"run", "--out", runs_dir(), kE2eScenarios + "/loss-20.toml"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto rec = only_record();
    const double n = 4000, p_deliver = 0.8;
    // 99 % two-sided normal approximation of Binomial(4000, 0.8): 3200 ± 2.576 σ.
    const double sigma = std::sqrt(n * p_deliver * (1 - p_deliver));
    const auto delivered = static_cast<double>(counter_delta(rec, "server", "sent", "Udp.InDatagrams"));
    EXPECT_GE(delivered, n * p_deliver - 2.576 * sigma);
    EXPECT_LE(delivered, n * p_deliver + 2.576 * sigma);
    EXPECT_EQ(counter_delta(rec, "client", "sent", "Udp.OutDatagrams"), 4000);
}

TEST_F(LabCli, SendWhileUnpluggedIsBufferedAndDeliveredAfterReplug) {
    Result r = lab({"run", "--out", runs_dir(), kE2eScenarios + "/unplug-send.toml"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto rec = only_record();
    const auto& unplugged = snapshot(rec, "unplugged");
    EXPECT_EQ(count_sockets(unplugged, "client", [](auto& s) { return s.state == "established" && s.remote_port == 7000 && s.send_q == 5000; }), 1);
    EXPECT_EQ(count_events(rec, "cli", "send", "ok"), 1);
    std::int64_t received = -1;
    for (const auto& e : rec.events)
        if (e.process == "srv" && e.op == "conn_end") received = e.bytes;
    EXPECT_EQ(received, 5000);  // TCP's byte stream: all of it, in order
}

TEST_F(LabCli, TheNetemBackendSaysWhatToDoOnAKernelWithoutNetem) {
    Result doctor = lab({"doctor"});
    if (doctor.out.find("qdisc netem          ok") != std::string::npos || doctor.out.find("netem impairments available") != std::string::npos)
        GTEST_SKIP() << "this kernel has sch_netem";
    auto before = lab_namespaces();
    Result r = lab({"run", "--impairments", "netem", "--out", runs_dir(), kE2eScenarios + "/delay-rtt.toml"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_THAT(r.err, HasSubstr("no sch_netem"));
    EXPECT_THAT(r.err, HasSubstr("--impairments userspace"));
    EXPECT_EQ(lab_namespaces(), before);
}

}  // namespace

namespace {

TEST_F(LabCli, WithDelayTheDocumentedHalfOpenConnectionsAppear) {
    Result r = lab({"run", "--out", runs_dir(), kScenarios + "/parallel-connect-half-open-delay.toml"});
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    auto rec = only_record();
    const auto& half_open = snapshot(rec, "half-open");
    // syncookies 0: backlog + 1 queued and backlog half-open on the server; the client sees them all ESTABLISHED.
    EXPECT_EQ(count_sockets(half_open, "server", [](auto& s) { return s.state == "syn-recv" && s.local_port == 7001; }), 5);
    EXPECT_EQ(count_sockets(half_open, "client", [](auto& s) { return s.state == "established" && s.remote_port == 7001; }), 11);
    EXPECT_EQ(count_events(rec, "seq1", "send", "ok"), 11);
    int resets = 0;
    for (const auto& e : rec.events) resets += e.process == "seq1" && e.op == "recv" && e.errno_name == "ECONNRESET";
    EXPECT_EQ(resets, 5);  // recv() → "closed" on exactly the half-open ones
    EXPECT_EQ(count_events(rec, "srv1", "accept", "ok"), 6);
}

}  // namespace
