// The guest's /init: modules in the order given, every argument quoted, failures reported and fatal,
// and a script the shell accepts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <filesystem>
#include <fstream>

#include "lab/vm/guest_script.hpp"

namespace {

using ::testing::HasSubstr;
using lab::vm::shell_quote;

lab::vm::GuestPlan sample_plan() {
    lab::vm::GuestPlan p;
    p.module_files = {"modules/virtio_ring.ko", "modules/virtio.ko", "modules/sch_netem.ko"};
    p.command = {"/work/build/bin/lab", "run", "--out", "/run/lab-vm/runs", "/run/lab-vm/scenarios/01-it's here.toml"};
    p.environment = {{"PATH", "/usr/bin:/bin"}, {"ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1"}};
    p.command_timeout_s = 123;
    return p;
}

TEST(ShellQuote, AnyWordComesBackLiterally) {
    EXPECT_EQ(shell_quote("plain"), "'plain'");
    EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
    EXPECT_EQ(shell_quote("$(reboot) `x` \"y\" ;|&"), "'$(reboot) `x` \"y\" ;|&'");
    EXPECT_EQ(shell_quote(""), "''");
    EXPECT_THROW(shell_quote(std::string("a\0b", 3)), std::invalid_argument);
}

TEST(GuestScript, LoadsModulesInTheGivenOrderAndStopsOnTheFirstFailure) {
    std::string s = lab::vm::guest_init_script(sample_plan());
    auto ring = s.find("insmod '/modules/virtio_ring.ko'");
    auto virtio = s.find("insmod '/modules/virtio.ko'");
    auto netem = s.find("insmod '/modules/sch_netem.ko'");
    ASSERT_NE(ring, std::string::npos);
    EXPECT_LT(ring, virtio);
    EXPECT_LT(virtio, netem);
    EXPECT_THAT(s, HasSubstr("|| fail 'insmod modules/sch_netem.ko'"));
    EXPECT_THAT(s, HasSubstr("lab-vm: FAILED: "));
}

TEST(GuestScript, MountsTheHostRootReadOnlyAndTheResultsWritable) {
    std::string s = lab::vm::guest_init_script(sample_plan());
    EXPECT_THAT(s, HasSubstr("-t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro,cache=loose hostroot /host"));
    EXPECT_THAT(s, HasSubstr("msize=262144 results /host/run/lab-vm"));
    EXPECT_THAT(s, HasSubstr("mount -t tmpfs -o mode=0755 run /host/run"));
    EXPECT_LT(s.find("run /host/run"), s.find("results /host/run/lab-vm"));  // the tmpfs first, then the mount on it
}

TEST(GuestScript, RunsTheCommandChrootedWithAQuotedCleanEnvironmentAndATimeout) {
    std::string s = lab::vm::guest_init_script(sample_plan());
    EXPECT_THAT(s, HasSubstr("$B timeout -s TERM -k 5 123 $B env -i 'ASAN_OPTIONS=detect_leaks=1:abort_on_error=1' "
                             "'PATH=/usr/bin:/bin' $B chroot /host '/work/build/bin/lab' 'run'"));
    EXPECT_THAT(s, HasSubstr("'/run/lab-vm/scenarios/01-it'\\''s here.toml'"));
    EXPECT_THAT(s, HasSubstr("echo $rc > /host/run/lab-vm/exit-code"));
    EXPECT_LT(s.find("exit-code"), s.find("poweroff -f\n$B sleep"));
}

// The kernel's first TCP connection flips static keys (code patching that multi-threaded TCG can race):
// it happens in the script, over loopback, with a cookie, before the command and its scenarios start.
TEST(GuestScript, MakesTheFirstTcpConnectionsOverLoopbackBeforeTheCommand) {
    std::string s = lab::vm::guest_init_script(sample_plan());
    auto lo = s.find("$B ip link set lo up");
    auto cookies_on = s.find("$B sysctl -qw net.ipv4.tcp_syncookies=2\nwarm_tcp 127.0.0.1\n");
    auto cookies_back = s.find("$B sysctl -qw net.ipv4.tcp_syncookies=1\nwarm_tcp ::1\n");
    auto command = s.find("$B chroot /host");
    ASSERT_NE(lo, std::string::npos) << s;
    ASSERT_NE(cookies_on, std::string::npos) << s;
    ASSERT_NE(cookies_back, std::string::npos) << s;
    EXPECT_LT(lo, cookies_on);
    EXPECT_LT(cookies_on, cookies_back);
    EXPECT_LT(cookies_back, command);
    // Bounded: the listener by a timeout, the connect by its tries.
    EXPECT_THAT(s, HasSubstr("$B timeout 10 $B nc -l -p 9"));
    EXPECT_THAT(s, HasSubstr("[ $tries -ge 40 ]"));
}

TEST(GuestScript, KeepsHostDirectoriesUnderTmpVisibleThroughTheGuestsTmpfs) {
    lab::vm::GuestPlan plan;
    plan.command = {"/tmp/ci/lab/build-asan/bin/lab", "run"};
    plan.keep_visible = {"/tmp/ci/lab/build-asan/bin"};
    std::string s = lab::vm::guest_init_script(plan);
    auto before = s.find("mount -o bind '/host/tmp/ci/lab/build-asan/bin' /keep0");
    auto tmpfs = s.find("mount -t tmpfs -o mode=1777 tmp /host/tmp");
    auto after = s.find("mount -o bind /keep0 '/host/tmp/ci/lab/build-asan/bin'");
    ASSERT_NE(before, std::string::npos) << s;
    ASSERT_NE(tmpfs, std::string::npos) << s;
    ASSERT_NE(after, std::string::npos) << s;
    EXPECT_LT(before, tmpfs);
    EXPECT_LT(tmpfs, after);
}

TEST(GuestScript, OnlyRunAndTmpAreHiddenByTheGuestsTmpfs) {
    EXPECT_TRUE(lab::vm::hidden_by_guest_tmpfs("/tmp"));
    EXPECT_TRUE(lab::vm::hidden_by_guest_tmpfs("/tmp/x/build/bin"));
    EXPECT_TRUE(lab::vm::hidden_by_guest_tmpfs("/run/user/0"));
    EXPECT_FALSE(lab::vm::hidden_by_guest_tmpfs("/tmpfoo/bin"));
    EXPECT_FALSE(lab::vm::hidden_by_guest_tmpfs("/work/main/build/bin"));
    EXPECT_FALSE(lab::vm::hidden_by_guest_tmpfs("/var/tmp/lab"));
}

TEST(GuestScript, TheShellAcceptsIt) {
    std::filesystem::path f = std::filesystem::temp_directory_path() / ("lab-guest-init-" + std::to_string(::getpid()));
    std::ofstream(f) << lab::vm::guest_init_script(sample_plan());
    int rc = boost::process::system(boost::process::exe = "/bin/sh", boost::process::args = {"-n", f.string()});
    std::filesystem::remove(f);
    EXPECT_EQ(rc, 0);
}

TEST(GuestScript, AnEmptyCommandIsRefused) {
    lab::vm::GuestPlan p;
    EXPECT_THROW(lab::vm::guest_init_script(p), std::invalid_argument);
}

}  // namespace
