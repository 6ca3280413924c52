// What root reads and runs passes the rule of what it writes, and `sudo lab` is not root for its caller.
// The attacker is uid 4242: the files it plants are its own (chown), and in the race below it is a real
// process of that uid. Each test reproduces a case of the security review and checks the file that proves
// root ran or wrote something for another user does not exist.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <nlohmann/json.hpp>

#include "lab_invocation.hpp"
#include "sys/directory.hpp"
#include "tests/e2e/support/program_run.hpp"

namespace lab::hardening_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr uid_t kAttacker = 4242;

void give_to(const fs::path& p, uid_t uid) { ASSERT_EQ(::lchown(p.c_str(), uid, uid), 0) << p; }

// `lab ARGS...` in `cwd`, with extra environment (SUDO_UID, PATH).
Result run_lab_in(const fs::path& cwd, const fs::path& scratch, const std::vector<std::string>& args,
                  std::vector<std::pair<std::string, std::string>> env = {}) {
    return ::lab::e2e::run_program(scratch, kLab, args, {cwd, std::move(env)});
}

// A scenario whose one program writes `id -u` into `proof` (through sh) — if it ever runs, root ran it.
std::string proving_scenario(const std::string& name, const fs::path& proof, const std::string& extra = "") {
    return fmt::format(R"([scenario]
name = "{0}"
summary = "writes who ran it"
time_limit = "5s"

[hosts.a]

[[steps]]
at = "0s"
run = {{ name = "who", host = "a", command = ["sh", "-c", "id -u > {1}"]{2} }}
[[steps]]
at = "200ms"
snapshot = "after"
)",
                       name, proof.string(), extra);
}

// A scenario that prints `id -u` and judges it: the uid its program ran as, asserted by the run itself.
std::string id_scenario(const std::string& name, const std::string& expected_uid, const std::string& user_key = "") {
    return fmt::format(R"([scenario]
name = "{0}"
summary = "prints the uid its program runs as"
time_limit = "5s"

[hosts.a]

[[steps]]
at = "0s"
run = {{ name = "who", host = "a", command = ["/usr/bin/id", "-u"]{2} }}
[[steps]]
at = "300ms"
snapshot = "after"

[[expect]]
id = "uid"
output = {{ process = "who", pattern = '^(\d+)$' }}
equals = {1}
)",
                       name, expected_uid, user_key);
}

class CallerTrust : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) {
            GTEST_SKIP() << "needs root: plays a second user and builds namespaces";
        }
        before_ = lab_namespaces();
    }
    void TearDown() override {
        if (::geteuid() == 0) {
            EXPECT_EQ(lab_namespaces(), before_) << "a run left namespaces behind";
        }
    }
    std::set<std::string> before_;
};

// Review item 1: another user's ./scenarios/NAME.toml in a shared sticky directory, found by name.
TEST_F(CallerTrust, AScenarioAnotherUserPlantedIsNeitherRunNorReadByName) {
    Scratch scratch("planted-scenario");
    const fs::path shared = scratch.path() / "shared", rootonly = scratch.path() / "rootonly";
    fs::create_directories(shared / "scenarios");
    ::chmod(shared.c_str(), 01777);
    fs::create_directory(rootonly);
    ::chmod(rootonly.c_str(), 0700);
    std::ofstream(shared / "scenarios" / "backlog-30-netcat.toml") << proving_scenario("backlog-30-netcat", rootonly / "x");
    give_to(shared / "scenarios", kAttacker);
    give_to(shared / "scenarios" / "backlog-30-netcat.toml", kAttacker);

    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"run", "-q", "--out", (scratch.path() / "runs").string(), "backlog-30-netcat"},
          {"validate", "backlog-30-netcat"},
          {"sweep", "--dry-run", "backlog-30-netcat"},
          {"list"}}) {
        Result r = run_lab_in(shared, scratch.path(), args);
        EXPECT_NE(r.exit_code, 0) << args.front() << ": " << r.out << r.err;
        EXPECT_THAT(r.out + r.err, HasSubstr("owned by uid 4242 (another user)")) << args.front();
        EXPECT_THAT(r.out, Not(HasSubstr("writes who ran it"))) << args.front() << " read another user's file";
    }
    EXPECT_FALSE(fs::exists(rootonly / "x")) << "root ran a scenario another user planted";
    EXPECT_TRUE(lab_namespaces() == before_);
}

TEST_F(CallerTrust, AScenarioFileOrDirectoryOthersCanWriteIsRefused) {
    Scratch scratch("writable-scenario");
    const fs::path proof = scratch.path() / "proof";
    const std::string file = scratch.write("w.toml", proving_scenario("writable", proof));
    ::chmod(file.c_str(), 0666);
    Result r = run_lab_in(scratch.path(), scratch.path(), {"run", "-q", "--out", (scratch.path() / "runs").string(), file});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("writable by every user (mode 0666)"));
    EXPECT_FALSE(fs::exists(proof));
}

// A root-owned scenario naming a program another user controls: by path, or first in PATH.
TEST_F(CallerTrust, AProgramAnotherUserControlsIsNotExecuted) {
    Scratch scratch("their-program");
    const fs::path proof = scratch.path() / "proof", bin = scratch.path() / "bin";
    fs::create_directory(bin);
    std::ofstream(bin / "nc") << "#!/bin/sh\nid -u > " << proof.string() << "\n";
    ::chmod((bin / "nc").c_str(), 0755);
    give_to(bin / "nc", kAttacker);
    const std::string by_path = scratch.write("by-path.toml", fmt::format(R"([scenario]
name = "by-path"
summary = "s"
time_limit = "5s"
[hosts.a]
[[steps]]
at = "0s"
run = {{ name = "evil", host = "a", command = ["{}"] }}
)",
                                                                          (bin / "nc").string()));
    Result r = run_lab_in(scratch.path(), scratch.path(), {"run", "-q", "--out", (scratch.path() / "runs").string(), by_path});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("process 'evil': refused"));
    EXPECT_THAT(r.err, HasSubstr("owned by uid 4242"));

    const std::string in_path = scratch.write("in-path.toml", R"([scenario]
name = "in-path"
summary = "s"
time_limit = "5s"
[hosts.a]
[[steps]]
at = "0s"
run = { name = "nc", host = "a", command = ["nc", "-h"] }
)");
    const std::string path = bin.string() + ":" + std::string(std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin");
    r = run_lab_in(scratch.path(), scratch.path(), {"run", "-q", "--out", (scratch.path() / "runs").string(), in_path},
                   {{"PATH", path}});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("process 'nc': refused"));
    EXPECT_FALSE(fs::exists(proof)) << "root ran another user's program";
}

// Review item 2: under sudo, lab writes only where the caller could, and follows only root's symlinks.
TEST_F(CallerTrust, UnderSudoLabWritesOnlyWhereTheCallerCould) {
    Scratch scratch("sudo-out");
    const fs::path rootonly = scratch.path() / "rootonly", home = scratch.path() / "home";
    fs::create_directory(rootonly);
    ::chmod(rootonly.c_str(), 0755);
    fs::create_directories(home / "runs");
    give_to(home, kAttacker);
    give_to(home / "runs", kAttacker);
    fs::create_directory_symlink(rootonly, home / "runs" / "sudo-out");
    give_to(home / "runs" / "sudo-out", kAttacker);
    const std::string file = scratch.write("s.toml", id_scenario("sudo-out", "4242"));
    const std::vector<std::pair<std::string, std::string>> sudo = {{"SUDO_UID", "4242"}, {"SUDO_GID", "4242"}};

    Result r = run_lab_in(scratch.path(), scratch.path(), {"run", "-q", "--out", (rootonly / "y").string(), file}, sudo);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("uid 4242 (4242, who ran sudo) may not create files here"));
    r = run_lab_in(scratch.path(), scratch.path(), {"run", "-q", "--out", (home / "runs").string(), file}, sudo);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("a symlink owned by uid 4242"));
    EXPECT_TRUE(fs::is_empty(rootonly)) << "lab wrote where only root may, for a sudo caller";
}

TEST_F(CallerTrust, UnderSudoProgramsRunAsTheCallerAndWhatLabWritesIsTheirs) {
    Scratch scratch("sudo-run");
    const fs::path home = scratch.path() / "home";
    fs::create_directory(home);
    give_to(home, kAttacker);
    const std::string file = scratch.write("s.toml", id_scenario("sudo-run", "4242"));
    Result r = run_lab_in(scratch.path(), scratch.path(), {"run", "-q", "--out", (home / "runs").string(), file},
                          {{"SUDO_UID", "4242"}, {"SUDO_GID", "4242"}});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto records = records_under(home / "runs");
    ASSERT_EQ(records.size(), 1u);
    auto rec = nlohmann::json::parse(slurp(records.front()));
    EXPECT_EQ(rec["processes"][0]["uid"], 4242);
    struct stat st {};
    ASSERT_EQ(::stat(records.front().c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, kAttacker) << "the record is the caller's";
    ASSERT_EQ(::stat(records.front().parent_path().c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, kAttacker) << "the run directory is the caller's";
}

// Under sudo nothing of a scenario is root's to decide: its file, its --set values and its PATH are the
// caller's. So no step runs as anyone else, root least of all, whoever owns the file.
TEST_F(CallerTrust, UnderSudoNoStepRunsAsAnyoneButTheCaller) {
    Scratch scratch("sudo-user");
    const fs::path home = scratch.path() / "home", theirs = scratch.path() / "theirs";
    fs::create_directory(home);
    give_to(home, kAttacker);
    fs::create_directory(theirs);
    const std::vector<std::pair<std::string, std::string>> sudo = {{"SUDO_UID", "4242"}, {"SUDO_GID", "4242"}};
    std::ofstream(theirs / "root.toml") << id_scenario("wants-root", "0", ", user = \"root\"");
    give_to(theirs, kAttacker);
    give_to(theirs / "root.toml", kAttacker);
    const std::string root_file = scratch.write("root.toml", id_scenario("root-says-root", "0", ", user = \"0\""));
    const std::string nobody_file = scratch.write("nobody.toml", id_scenario("says-nobody", "65534", ", user = \"nobody\""));
    for (const std::string& file : {(theirs / "root.toml").string(), root_file, nobody_file}) {
        Result r = run_lab_in(scratch.path(), scratch.path(), {"run", "-q", "--out", (home / "runs").string(), file}, sudo);
        EXPECT_EQ(r.exit_code, 2) << file << ": " << r.out << r.err;
        EXPECT_THAT(r.err, HasSubstr("under sudo lab runs every program as the user who ran it (uid 4242"));
    }
    EXPECT_TRUE(records_under(home / "runs").empty()) << "a run started";
    // Naming the caller is fine.
    const std::string self_file = scratch.write("self.toml", id_scenario("says-self", "4242", ", user = \"4242\""));
    Result r = run_lab_in(scratch.path(), scratch.path(), {"run", "-q", "--out", (home / "runs").string(), self_file}, sudo);
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(CallerTrust, AsRootAStepRunsAsTheUserItNames) {
    Scratch scratch("user-key");
    const std::string file = scratch.write("s.toml", id_scenario("as-nobody", "65534", ", user = \"nobody\""));
    Result r = run_lab_in(scratch.path(), scratch.path(), {"run", "-q", "--out", (scratch.path() / "runs").string(), file});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    const auto records = records_under(scratch.path() / "runs");
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(nlohmann::json::parse(slurp(records.front()))["processes"][0]["uid"], 65534);
    const std::string unknown = scratch.write("u.toml", id_scenario("unknown-user", "0", ", user = \"no-such-user-lab\""));
    r = run_lab_in(scratch.path(), scratch.path(), {"validate", unknown});
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.err + r.out, HasSubstr("user 'no-such-user-lab': no such user"));
}

// Commands that only read become the caller under sudo: a record only root may read is not shown to her.
// The VM path, whose guest runs everything as root, is refused.
TEST_F(CallerTrust, UnderSudoReadingCommandsReadAsTheCallerAndTheVmPathIsRefused) {
    Scratch scratch("sudo-read");
    const fs::path secret = scratch.path() / "secret";
    fs::create_directory(secret);
    ::chmod(secret.c_str(), 0700);
    std::ofstream(secret / "record.json") << "{\"TOPSECRET\": 1}";
    const std::vector<std::pair<std::string, std::string>> sudo = {{"SUDO_UID", "4242"}, {"SUDO_GID", "4242"}};
    Result r = run_lab_in(scratch.path(), scratch.path(), {"report", (secret / "record.json").string()}, sudo);
    EXPECT_NE(r.exit_code, 0) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("cannot open: Permission denied (EACCES)"));
    r = run_lab_in(scratch.path(), scratch.path(), {"report", (secret / "record.json").string()});
    EXPECT_THAT(r.err, HasSubstr("schema is ''")) << "as root the same command reads it (the test's control)";
    const std::string file = scratch.write("s.toml", id_scenario("vm-refused", "0"));
    r = run_lab_in(scratch.path(), scratch.path(), {"vm", "run", "--out", (scratch.path() / "vm").string(), file}, sudo);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("lab vm run is refused under sudo (uid 4242"));
    EXPECT_FALSE(fs::exists(scratch.path() / "vm"));
    // Nor may a sudo caller stop or change a run that may be root's.
    r = run_lab_in(scratch.path(), scratch.path(), {"ctl", "abcdef", "stop", "x"}, sudo);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("lab ctl RUN REQUEST is refused under sudo"));
    r = run_lab_in(scratch.path(), scratch.path(), {"clean", "--include-live", "--dry-run"}, sudo);
    EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
    EXPECT_THAT(r.err, HasSubstr("lab clean --include-live is refused under sudo"));
}

// Review item 3: between mkdirat and openat the owner of the parent (here the sudo caller) swaps in a
// directory of her own. A real process of uid 4242 races lab's creations; lab must never take hers.
TEST_F(CallerTrust, ADirectorySwappedRightAfterCreationIsNeverTakenAsLabs) {
    Scratch scratch("mkdir-race");
    const fs::path parent = scratch.path() / "parent";
    fs::create_directory(parent);
    give_to(parent, kAttacker);
    constexpr int kAttempts = 400;
    const pid_t attacker = ::fork();
    ASSERT_GE(attacker, 0);
    if (attacker == 0) {
        if (::syscall(SYS_setresgid, kAttacker, kAttacker, kAttacker) != 0 ||
            ::syscall(SYS_setresuid, kAttacker, kAttacker, kAttacker) != 0)
            ::_exit(3);
        // Bounded: 20 s or 200 000 looks. Whatever root-owned directory appears in her directory (the one
        // lab just made, under whatever name), she removes and replaces with her own, a file planted inside.
        const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        for (int look = 0; look < 200000 && std::chrono::steady_clock::now() < end; ++look) {
            if (fs::exists(parent / "done")) break;
            std::error_code ec;
            for (const auto& e : fs::directory_iterator(parent, ec)) {
                struct stat st {};
                if (::lstat(e.path().c_str(), &st) != 0 || st.st_uid != 0 || !S_ISDIR(st.st_mode)) continue;
                if (::rmdir(e.path().c_str()) == 0 && ::mkdir(e.path().c_str(), 0755) == 0) {
                    const int fd = ::open((e.path() / "planted").c_str(), O_CREAT | O_WRONLY, 0644);
                    if (fd >= 0) ::close(fd);
                }
            }
        }
        ::_exit(0);
    }
    ::setenv("SUDO_UID", "4242", 1);
    int taken = 0, refused = 0, ours = 0;
    {
        const sys::Directory dir = sys::Directory::open_or_create(parent);
        for (int i = 0; i < kAttempts; ++i) {
            try {
                const sys::Directory made = dir.create_subdirectory(fmt::format("d{}", i), 0755);
                if (made.contains("planted")) ++taken;
                else ++ours;
            } catch (const std::exception&) {
                ++refused;
            }
        }
    }
    ::unsetenv("SUDO_UID");
    std::ofstream(parent / "done") << "";
    int status = 0;
    ::waitpid(attacker, &status, 0);
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_EQ(taken, 0) << "lab took the attacker's directory for its own " << taken << " times";
    EXPECT_EQ(ours + refused, kAttempts);
    RecordProperty("refused", refused);
}

}  // namespace
}  // namespace lab::hardening_test
