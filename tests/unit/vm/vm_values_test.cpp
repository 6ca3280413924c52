// The small pure decisions of the VM path: which kernel package, which qemu command line, which host
// path a guest path is.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "lab/vm/guest_results.hpp"
#include "lab/vm/initramfs.hpp"
#include "lab/vm/kernel_cache.hpp"
#include "lab/vm/qemu_machine.hpp"

#include <nlohmann/json.hpp>

namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(KernelPackage, TheMetapackageCandidateNamesTheImage) {
    const char* show = "Package: linux-image-amd64\nSource: linux-signed-amd64 (6.1.192+2)\nVersion: 6.1.192-2\n"
                       "Depends: linux-image-6.1.0-56-amd64 (= 6.1.192-2)\nDescription: Linux for 64-bit PCs\n";
    EXPECT_EQ(lab::vm::kernel_package_from_apt_show(show), "linux-image-6.1.0-56-amd64");
    EXPECT_EQ(lab::vm::kernel_package_from_apt_show("Depends: libc6 (>= 2), linux-image-6.1.0-9-amd64\n"),
              "linux-image-6.1.0-9-amd64");
    EXPECT_EQ(lab::vm::kernel_package_from_apt_show("Package: x\n"), std::nullopt);
}

TEST(KernelPackage, OnlyDebianNamesReachApt) {
    EXPECT_TRUE(lab::vm::is_debian_package_name("linux-image-6.1.0-56-amd64"));
    EXPECT_TRUE(lab::vm::is_debian_package_name("linux-image-6.12.100+deb12-amd64"));
    EXPECT_FALSE(lab::vm::is_debian_package_name("-oDebug::pkgAcquire=1"));
    EXPECT_FALSE(lab::vm::is_debian_package_name("linux image"));
    EXPECT_FALSE(lab::vm::is_debian_package_name("../etc"));
    EXPECT_FALSE(lab::vm::is_debian_package_name("Linux-Image"));
}

TEST(KernelCache, AnEmptyCacheHasNothingAndFetchesNothingWhenAsked) {
    lab::vm::KernelCache cache("/nonexistent/lab-vm-cache");
    EXPECT_EQ(cache.cached("linux-image-6.1.0-56-amd64"), std::nullopt);
    EXPECT_TRUE(cache.cached_packages().empty());
}

TEST(QemuArgv, DirectKernelBootWithSharesAndNoDevicesOfItsOwn) {
    lab::vm::QemuConfig c;
    c.kernel = "/cache/k/tree/boot/vmlinuz-6.1.0-56-amd64";
    c.initramfs = "/tmp/w/initramfs.cpio";
    c.kernel_args = "console=ttyS0 panic=-1";
    c.console_log = "/out/vm/console.log";
    c.shares = {{"/", "hostroot", true}, {"/out/vm", "results", false}};
    auto argv = lab::vm::qemu_argv(c);
    EXPECT_EQ(argv.front(), "qemu-system-x86_64");
    EXPECT_THAT(argv, Contains("-nodefaults"));
    EXPECT_THAT(argv, Contains("-no-reboot"));
    EXPECT_THAT(argv, Contains("tcg"));
    EXPECT_THAT(argv, Contains("file:/out/vm/console.log"));
    EXPECT_THAT(argv, Contains("local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"));
    EXPECT_THAT(argv, Contains("local,path=/out/vm,mount_tag=results,security_model=none"));
    EXPECT_THAT(argv, ::testing::Not(Contains("host")));  // no -cpu host under TCG
    c.accel = lab::vm::Accelerator::Kvm;
    EXPECT_THAT(lab::vm::qemu_argv(c), Contains("host"));
    c.shares.push_back({"/a,b", "x", false});
    EXPECT_THROW(lab::vm::qemu_argv(c), std::invalid_argument);
}

TEST(GuestPaths, TheLongestPrefixWinsAndOnlyAtAPathBoundary) {
    std::map<std::string, std::string> m = {{"/run/lab-vm", "/home/u/runs/vm-1"},
                                            {"/run/lab-vm/scenarios/01-a.toml", "/home/u/scenarios/a.toml"}};
    EXPECT_EQ(lab::vm::map_guest_path("/run/lab-vm/runs/a/r1", m), "/home/u/runs/vm-1/runs/a/r1");
    EXPECT_EQ(lab::vm::map_guest_path("/run/lab-vm/scenarios/01-a.toml", m), "/home/u/scenarios/a.toml");
    EXPECT_EQ(lab::vm::map_guest_path("/run/lab-vm/scenarios/01-a.toml:73:1", m), "/home/u/scenarios/a.toml:73:1");
    EXPECT_EQ(lab::vm::map_guest_path("/run/lab-vm2/x", m), "/run/lab-vm2/x");
    EXPECT_EQ(lab::vm::map_guest_path("relative/x", m), "relative/x");
}

TEST(GuestConsole, TheFailureLineIsQuotedElseTheLastLines) {
    auto dir = std::filesystem::temp_directory_path() / ("lab-console-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "a.log") << "[    0.1] Linux version\r\nlab-vm: kernel 6.1 up\r\nlab-vm: FAILED: insmod modules/9p.ko\r\n";
    EXPECT_EQ(lab::vm::console_failure((dir / "a.log").string()), "insmod modules/9p.ko");
    std::ofstream(dir / "b.log") << "one\ntwo\nthree\nfour\n";
    EXPECT_EQ(lab::vm::console_failure((dir / "b.log").string()), "console ends: two | three | four");
    EXPECT_EQ(lab::vm::console_failure((dir / "missing.log").string()), "");
    std::ofstream(dir / "oops.log") << "lab-vm: running the command after 3.15 s\r\n"
                                       "[   13.229838] Oops: int3: 0000 [#1] PREEMPT SMP NOPTI\r\n"
                                       "[   13.230219] CPU: 0 UID: 0 PID: 253 Comm: nc Not tainted\r\n"
                                       "[   13.230335] RIP: 0010:__inet_hash_connect+0x117/0x7e0\r\n"
                                       "[   13.232687] RIP: 0033:0x7f951078c7c0\r\n"
                                       "[   13.233590] Oops: int3: 0000 [#2] PREEMPT SMP NOPTI\r\n"
                                       "[   13.233670] RIP: 0010:__inet_hash_connect+0x117/0x7e0\r\n"
                                       "[   13.233882] Kernel panic - not syncing: Fatal exception in interrupt\r\n"
                                       "[   15.047021] Kernel Offset: 0x30a00000 from 0xffffffff81000000\r\n";
    EXPECT_EQ(lab::vm::console_failure((dir / "oops.log").string()),
              "the guest kernel crashed: Oops: int3: 0000 [#1] PREEMPT SMP NOPTI | RIP: 0010:__inet_hash_connect+0x117/0x7e0 | "
              "Kernel panic - not syncing: Fatal exception in interrupt");
    std::filesystem::remove_all(dir);
}

// A kernel that died while booting (6.12 under TCG: "Oops: int3" at sched_clock_cpu) measured nothing and
// is booted again; one that died while the command ran is a result, reported as it is.
TEST(GuestConsole, OnlyACrashBeforeTheCommandIsWorthAnotherBoot) {
    const std::string crash = "the guest kernel crashed: Oops: int3: 0000 [#1] PREEMPT SMP NOPTI | RIP: 0010:sched_clock_cpu+0x9/0x190";
    lab::vm::GuestResults booting;
    EXPECT_TRUE(lab::vm::crashed_before_command(booting, crash));
    lab::vm::GuestResults running;
    running.boot_seconds = 3.2;
    EXPECT_FALSE(lab::vm::crashed_before_command(running, crash)) << "the command had started";
    EXPECT_FALSE(lab::vm::crashed_before_command(booting, "insmod modules/9p.ko")) << "a failed step, not a crash";
    EXPECT_FALSE(lab::vm::crashed_before_command(booting, "console ends: a | b"));
    lab::vm::GuestResults done;
    done.exit_code = 0;
    EXPECT_FALSE(lab::vm::crashed_before_command(done, crash));
}

TEST(GuestConsole, AFilesTailIsItsLastNonEmptyLinesIndented) {
    auto dir = std::filesystem::temp_directory_path() / ("lab-tail-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "err.txt") << "one\n\ntwo\nthree\n\n";
    EXPECT_EQ(lab::vm::guest_file_tail((dir / "err.txt").string(), 2), "  two\n  three\n");
    EXPECT_EQ(lab::vm::guest_file_tail((dir / "err.txt").string(), 10), "  one\n  two\n  three\n");
    EXPECT_EQ(lab::vm::guest_file_tail((dir / "missing.txt").string(), 3), "");
    std::filesystem::remove_all(dir);
}

TEST(Initramfs, ModulesLandFlatUnderModules) {
    EXPECT_EQ(lab::vm::module_archive_path("kernel/net/sched/sch_netem.ko"), "modules/sch_netem.ko");
    EXPECT_THAT(lab::vm::guest_modules(), Contains("sch_netem"));
    EXPECT_THAT(lab::vm::guest_modules(), Contains("9pnet_virtio"));
}

TEST(Initramfs, StaticAndDynamicElfAreToldApart) {
    // This test binary links libc dynamically; a text file is no ELF at all.
    EXPECT_FALSE(lab::vm::is_static_elf("/proc/self/exe"));
    EXPECT_THROW(lab::vm::is_static_elf("/etc/hostname"), std::runtime_error);
}

}  // namespace

namespace {

TEST(GuestResults, ExitStatusBootTimeAndRecordPathsComeBackInHostTerms) {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("lab-guest-results-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "runs/s/r1");
    std::ofstream(dir / "exit-code") << "1\n";
    std::ofstream(dir / "boot-uptime") << "3.52\n";
    std::ofstream(dir / "runs/s/r1/record.json")
        << R"({"schema":"lab.run-record/1","scenario":{"name":"s","file":"/run/lab-vm/scenarios/01-s.toml"},)"
        << R"("run":{"directory":"/run/lab-vm/runs/s/r1","kernel":"6.1.0-56-amd64"},"future_field":{"kept":true},)"
        << R"("processes":[{"name":"srv","stdout_path":"/run/lab-vm/runs/s/r1/srv.stdout","stderr_path":"/elsewhere/x"}],)"
        << R"("expectations":[{"id":"q","origin":"/run/lab-vm/scenarios/01-s.toml:41:1"}],)"
        << R"("verdicts":[{"id":"q","origin":"/run/lab-vm/scenarios/01-s.toml:41:1"}],)"
        << R"("timeline":[{"step":"snapshot 'x'","origin":"/run/lab-vm/scenarios/01-s.toml:30:1"}]})";
    auto r = lab::vm::collect_guest_results(dir.string(), {{"/run/lab-vm", dir.string()},
                                                          {"/run/lab-vm/scenarios/01-s.toml", "/src/scenarios/s.toml"}});
    EXPECT_EQ(r.exit_code, 1);
    ASSERT_TRUE(r.boot_seconds.has_value());
    EXPECT_DOUBLE_EQ(*r.boot_seconds, 3.52);
    ASSERT_EQ(r.record_paths.size(), 1u);
    std::ifstream in(r.record_paths[0]);
    auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["scenario"]["file"], "/src/scenarios/s.toml");
    EXPECT_EQ(j["run"]["directory"], (dir / "runs/s/r1").string());
    EXPECT_EQ(j["processes"][0]["stdout_path"], (dir / "runs/s/r1/srv.stdout").string());
    EXPECT_EQ(j["processes"][0]["stderr_path"], "/elsewhere/x");
    EXPECT_EQ(j["expectations"][0]["origin"], "/src/scenarios/s.toml:41:1");  // failing lines point at the host's file
    EXPECT_EQ(j["verdicts"][0]["origin"], "/src/scenarios/s.toml:41:1");
    EXPECT_EQ(j["timeline"][0]["origin"], "/src/scenarios/s.toml:30:1");
    EXPECT_EQ(j["future_field"]["kept"], true);  // fields this lab does not know survive
    fs::remove_all(dir);
}

TEST(GuestResults, AGuestThatNeverFinishedLeavesNoExitStatus) {
    namespace fs = std::filesystem;
    fs::path dir = fs::temp_directory_path() / ("lab-guest-empty-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    auto r = lab::vm::collect_guest_results(dir.string(), {});
    EXPECT_FALSE(r.exit_code.has_value());
    EXPECT_TRUE(r.record_paths.empty());
    fs::remove_all(dir);
}

}  // namespace
