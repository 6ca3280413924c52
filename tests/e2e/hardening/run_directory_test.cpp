// lab runs as root: it must never write where another user steers it. An output directory another user
// could swap is refused before anything is built; a symlink another user planted is never followed; a run
// directory swapped for one full of symlinks while the run goes on does not move a single byte of lab's
// writes; and every file and directory lab makes has its own mode whatever the umask.
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

#include "lab_invocation.hpp"

namespace lab::hardening_test {
namespace {

using ::testing::HasSubstr;

constexpr uid_t kNobody = 65534;

// One host, one agent pair, a snapshot at 1.5 s: long enough to tamper with, short enough to repeat.
std::string small_run(const std::string& name, const std::string& extra_link = "") {
    return fmt::format(R"([scenario]
name = "{0}"
summary = "a short run to tamper with"
time_limit = "10s"

[hosts.server]
[hosts.client]

[[links]]
ends = ["server", "client"]
{1}

[[steps]]
at = "0s"
run = {{ name = "srv", host = "server", agent = "server", args = ["--port", "7200", "--backlog", "8"] }}
[[steps]]
at = "300ms"
run = {{ name = "cli", host = "client", agent = "client", args = ["--target", "${{hosts.server.addr}}:7200", "--connections", "3", "--ops", "connect:2s;send:10;recv:1s", "--hold", "1s"] }}
[[steps]]
at = "1500ms"
snapshot = "held"

[[expect]]
at = "held"
host = "server"
sockets = {{ state = "listen", local_port = 7200 }}
equals = 1
)",
                       name, extra_link);
}

class RunDirectory : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root: builds network namespaces and changes file owners";
        before_ = lab_namespaces();
    }
    void TearDown() override {
        if (::geteuid() == 0) {
            EXPECT_EQ(lab_namespaces(), before_) << "a run left namespaces behind";
        }
    }
    std::set<std::string> before_;
};

TEST_F(RunDirectory, AnOutputDirectoryEveryUserCanWriteIsRefusedBeforeAnythingIsBuilt) {
    Scratch scratch("world-writable");
    const fs::path open_dir = scratch.path() / "shared";
    fs::create_directory(open_dir);
    ::chmod(open_dir.c_str(), 0777);  // world-writable, no sticky bit
    const std::string file = scratch.write("s.toml", small_run("refused"));
    Result r = run_lab(scratch.path(), {"run", "--out", (open_dir / "runs").string(), file});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr(open_dir.string()));
    EXPECT_THAT(r.err, HasSubstr("writable by every user without the sticky bit"));
    EXPECT_FALSE(fs::exists(open_dir / "runs"));
}

TEST_F(RunDirectory, AnOutputDirectoryOwnedByAnotherUserIsRefused) {
    Scratch scratch("other-owner");
    const fs::path theirs = scratch.path() / "theirs";
    fs::create_directory(theirs);
    ASSERT_EQ(::chown(theirs.c_str(), kNobody, kNobody), 0);
    const std::string file = scratch.write("s.toml", small_run("refused"));
    Result r = run_lab(scratch.path(), {"run", "--out", theirs.string(), file});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr(fmt::format("owned by uid {} (another user)", kNobody)));
    EXPECT_TRUE(fs::is_empty(theirs));
}

TEST_F(RunDirectory, AStickySharedDirectoryLikeTmpIsFineAndTheRunIsOurs) {
    Scratch scratch("sticky");
    const fs::path shared = scratch.path() / "shared";
    fs::create_directory(shared);
    ::chmod(shared.c_str(), 01777);
    const std::string file = scratch.write("s.toml", small_run("sticky"));
    Result r = run_lab(scratch.path(), {"run", "-q", "--out", (shared / "runs").string(), file});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(records_under(shared / "runs").size(), 1u);
}

TEST_F(RunDirectory, ASymlinkAnotherUserPlantedForTheScenarioDirectoryIsNotFollowed) {
    Scratch scratch("planted-symlink");
    const fs::path runs = scratch.path() / "runs", victim = scratch.path() / "victim";
    fs::create_directories(runs);
    ::chmod(runs.c_str(), 01777);  // a shared place, as /tmp is
    fs::create_directory(victim);
    fs::create_directory_symlink(victim, runs / "udp-recvq-overflow");
    ASSERT_EQ(::lchown((runs / "udp-recvq-overflow").c_str(), kNobody, kNobody), 0);
    const std::string file = scratch.write("s.toml", small_run("udp-recvq-overflow"));
    Result r = run_lab(scratch.path(), {"run", "--out", runs.string(), file});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("a symlink owned by uid 65534"));
    EXPECT_TRUE(fs::is_empty(victim)) << "lab wrote through another user's symlink";
}

// The attack of the issue, done with root's own powers (a worst case: an unprivileged user could not even
// rename inside lab's directories): while the run goes on, its directory is renamed and a look-alike put in
// its place whose record.json and processes/*.stdout are symlinks to a file the attacker wants truncated.
TEST_F(RunDirectory, SwappingTheRunDirectoryMidRunMovesNoneOfLabsWrites) {
    Scratch scratch("swap");
    const fs::path runs = scratch.path() / "runs", victim = scratch.path() / "victim.txt";
    std::ofstream(victim) << "precious\n";
    const std::string file = scratch.write("s.toml", small_run("swapped"));
    std::atomic<bool> swapped{false};
    fs::path moved;
    Program lab({.exe = kLab, .args = {"run", "-q", "--out", runs.string(), file}});
    for (int i = 0; i < 400 && !swapped; ++i) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(runs / "swapped", ec)) {
            const fs::path run_dir = e.path();
            if (!fs::exists(run_dir / "processes" / "srv.0.stdout")) continue;
            moved = runs / "swapped" / "moved-away";
            fs::rename(run_dir, moved);
            fs::create_directories(run_dir / "processes");
            fs::create_symlink(victim, run_dir / "record.json");
            for (const char* name : {"srv.0.stdout", "srv.0.stderr", "cli.0.stdout", "cli.0.stderr"})
                fs::create_symlink(victim, run_dir / "processes" / name);
            swapped = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    lab.wait();
    ASSERT_TRUE(swapped) << "the run directory never appeared";
    EXPECT_EQ(lab.exit_code(), 0);
    EXPECT_EQ(slurp(victim), "precious\n") << "lab wrote through a symlink planted in a swapped run directory";
    // Everything went where lab opened it: into the directory it created, now called moved-away.
    auto rec = nlohmann::json::parse(slurp(moved / "record.json"));
    EXPECT_EQ(rec["scenario"]["name"], "swapped");
    EXPECT_GT(fs::file_size(moved / "processes" / "cli.0.stdout"), 0u);
}

TEST_F(RunDirectory, UnderUmaskZeroEveryFileAndDirectoryKeepsItsOwnMode) {
    Scratch scratch("umask");
    const fs::path runs = scratch.path() / "runs";
    const std::string file = scratch.write("s.toml", small_run("umask-zero", "impair = { delay = \"1ms\" }"));
    std::atomic<mode_t> wire_dir_mode{0}, run_wire_mode{0};
    std::thread watch([&] {
        // While the run is live: the lab-wire control sockets sit in directories only root may enter.
        for (int i = 0; i < 300 && run_wire_mode == 0; ++i) {
            std::error_code ec;
            for (const auto& e : fs::directory_iterator("/run/lab/wire", ec))
                if (fs::exists(e.path() / "link0.sock")) {
                    wire_dir_mode = mode_of("/run/lab/wire");
                    run_wire_mode = mode_of(e.path());
                }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    Result r = run_lab(scratch.path(), {"run", "-q", "--impairments", "userspace", "--out", runs.string(), file}, 0);
    watch.join();
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_EQ(wire_dir_mode.load(), 0700u);
    EXPECT_EQ(run_wire_mode.load(), 0700u);
    auto records = records_under(runs);
    ASSERT_EQ(records.size(), 1u);
    const fs::path run_dir = records.front().parent_path();
    EXPECT_EQ(mode_of(runs), 0755u);
    EXPECT_EQ(mode_of(run_dir), 0755u);
    EXPECT_EQ(mode_of(run_dir / "processes"), 0755u);
    EXPECT_EQ(mode_of(run_dir / "record.json"), 0644u);
    for (const auto& e : fs::directory_iterator(run_dir / "processes")) {
        EXPECT_EQ(mode_of(e.path()), 0644u) << e.path();
    }
}

}  // namespace
}  // namespace lab::hardening_test
