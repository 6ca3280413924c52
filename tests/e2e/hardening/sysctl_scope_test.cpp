// A scenario must not change the host through a sysctl that is visible in every network namespace but
// holds one value for the whole machine: net.netfilter.nf_hooks_lwtunnel is the case that exists, and
// once on it cannot be turned off again. `lab validate` and `lab run` refuse it at its key, and the host's
// value stays as it was. A key that a namespace has but may not write fails with a message that says so.
// Never writes a sysctl of the host; only ever writes inside a namespace this test made.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runner/netlink_socket.hpp"
#include "runner/netns.hpp"
#include "runner/sysctl.hpp"
#include "sys/kernel_error.hpp"

#include "lab_invocation.hpp"

using ::testing::HasSubstr;

namespace {

using namespace lab::hardening_test;

constexpr const char* kLwtunnelKey = "net.netfilter.nf_hooks_lwtunnel";
constexpr const char* kLwtunnelHostFile = "/proc/sys/net/netfilter/nf_hooks_lwtunnel";

// The host's value, read from this process's own namespace (the host's: the test runs there).
std::optional<std::string> host_value(const char* path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::string value;
    std::getline(in, value);
    return value;
}

class SysctlScope : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root: writes sysctls inside a network namespace it makes";
        scratch_.emplace(std::string("sysctl-scope-") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
        dir_ = scratch_->path();
    }

    Result lab(const std::vector<std::string>& args) { return run_lab(dir_, args); }

    std::optional<Scratch> scratch_;
    fs::path dir_;
};

// The sysctl sits on line 6, its quoted key from column 12.
constexpr const char* kLwtunnelScenario = R"([scenario]
name = "lwtunnel-on"
summary = "tries to turn on the machine's lwtunnel netfilter hooks from inside a lab namespace"

[hosts.a]
sysctl = { "net.netfilter.nf_hooks_lwtunnel" = 1, "net.ipv4.tcp_syncookies" = 0 }
[hosts.b]

[[links]]
ends = ["a", "b"]

[[steps]]
at = "0s"
snapshot = "s"
)";

TEST_F(SysctlScope, ValidateRefusesNfHooksLwtunnelAtItsKeyAndTheHostKeepsItsValue) {
    const auto before = host_value(kLwtunnelHostFile);
    const fs::path file = dir_ / "lwtunnel-on.toml";
    std::ofstream(file) << kLwtunnelScenario;

    const Result r = lab({"validate", file.string()});

    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(file.string() + ":6:12: net.netfilter.nf_hooks_lwtunnel is one value for the "
                                                 "whole machine: a scenario may not change it ("));
    EXPECT_THAT(r.err, HasSubstr("cannot be turned off until reboot"));
    EXPECT_THAT(r.err, ::testing::Not(HasSubstr("tcp_syncookies"))) << "a per-namespace key is not refused";
    EXPECT_EQ(host_value(kLwtunnelHostFile), before);
}

TEST_F(SysctlScope, RunRefusesItBeforeTouchingTheKernel) {
    const auto before = host_value(kLwtunnelHostFile);
    const fs::path file = dir_ / "lwtunnel-on.toml";
    std::ofstream(file) << kLwtunnelScenario;

    const Result r = lab({"run", "--out", (dir_ / "runs").string(), file.string()});

    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_THAT(r.err, HasSubstr(file.string() + ":6:12: net.netfilter.nf_hooks_lwtunnel is one value"));
    EXPECT_THAT(r.err, HasSubstr("nothing was run"));
    EXPECT_FALSE(fs::exists(dir_ / "runs" / "lwtunnel-on")) << "no run directory: nothing started";
    EXPECT_EQ(host_value(kLwtunnelHostFile), before);
}

// The library refuses it too, before it opens a file, whatever namespace it is handed.
TEST_F(SysctlScope, WriteSysctlsRefusesItBeforeOpeningAnyFile) {
    const auto before = host_value(kLwtunnelHostFile);
    auto ns = lab::runner::Netns::create("labtest-sysctl-scope-" + std::to_string(::getpid()));
    try {
        lab::runner::write_sysctls(ns, {{kLwtunnelKey, "1"}});
        ADD_FAILURE() << "write_sysctls accepted " << kLwtunnelKey;
    } catch (const std::invalid_argument& e) {
        EXPECT_THAT(e.what(), HasSubstr("is one value for the whole machine"));
    }
    EXPECT_EQ(host_value(kLwtunnelHostFile), before);
}

// net.ipv4.tcp_ehash_entries exists in every namespace (it reports the namespace's established-socket hash
// size, negative while the namespace shares the host's table) and is 0444 there: the key passes
// validation, the kernel refuses the open for writing with EACCES, and the message says why.
TEST_F(SysctlScope, AKeyReadOnlyInANamespaceFailsAsNotWritableThere) {
    const std::string key = "net.ipv4.tcp_ehash_entries";
    ASSERT_EQ(lab::runner::check_sysctl_key(key), std::nullopt);
    auto ns = lab::runner::Netns::create("labtest-sysctl-ro-" + std::to_string(::getpid()));
    const std::string shown = lab::runner::read_sysctl(ns, key);
    ASSERT_FALSE(shown.empty()) << "the file exists inside the namespace";
    EXPECT_NE(std::stol(shown), 0L) << shown;

    try {
        lab::runner::write_sysctls(ns, {{key, "1024"}});
        ADD_FAILURE() << "the kernel let a namespace write " << key;
    } catch (const lab::sys::KernelError& e) {
        EXPECT_EQ(e.error_code(), EACCES) << e.what();
        EXPECT_THAT(e.what(), HasSubstr("write sysctl net.ipv4.tcp_ehash_entries=1024 in netns labtest-sysctl-ro-"));
        EXPECT_THAT(e.what(), HasSubstr("(EACCES)"));
        EXPECT_THAT(e.what(), HasSubstr("not writable in a network namespace"));
    }
    EXPECT_EQ(lab::runner::read_sysctl(ns, key), shown) << "unchanged";
}

// The table against the running kernel, read only: list /proc/sys/net on the host and inside a fresh
// namespace. Every file that only the host's namespace has must be refused (its value is the machine's);
// every file a namespace may write must be allowed, except nf_hooks_lwtunnel (writable everywhere, one
// value); every file writable on the host but read-only in a namespace (the host's value shown through)
// must be refused. A kernel that moves a sysctl between these kinds fails here until its row moves.
struct SysctlFile {
    std::string key;
    bool writable;
};

// Interfaces differ between the two sides; conf/neigh entries of all, default and lo stand for them.
bool interface_specific(const std::vector<std::string>& segments) {
    for (std::size_t i = 1; i + 1 < segments.size(); ++i)
        if ((segments[i] == "conf" || segments[i] == "neigh") && segments[i + 1] != "all" &&
            segments[i + 1] != "default" && segments[i + 1] != "lo")
            return true;
    return false;
}

std::map<std::string, bool> list_proc_sys_net() {
    std::map<std::string, bool> files;  // key -> writable by its mode
    const fs::path root = "/proc/sys/net";
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
        if (!it->is_regular_file()) continue;
        std::vector<std::string> segments{"net"};
        for (const auto& part : it->path().lexically_relative(root)) segments.push_back(part.string());
        if (interface_specific(segments)) continue;
        std::string key;
        for (const auto& s : segments) key += (key.empty() ? "" : ".") + s;
        struct stat st {};
        if (::stat(it->path().c_str(), &st) != 0) continue;
        files[key] = (st.st_mode & 0222) != 0;
    }
    return files;
}

TEST_F(SysctlScope, TheTableAgreesWithWhatThisKernelShowsInANamespace) {
    const auto host = list_proc_sys_net();
    auto ns = lab::runner::Netns::create("labtest-sysctl-list-" + std::to_string(::getpid()));
    const auto inside = lab::runner::run_in_netns(ns, [] { return list_proc_sys_net(); });
    ASSERT_GT(host.size(), 100U);
    ASSERT_GT(inside.size(), 100U);
    ASSERT_TRUE(inside.contains("net.ipv4.tcp_syncookies"));

    std::size_t host_only = 0, allowed = 0;
    for (const auto& [key, writable] : host) {
        const auto there = inside.find(key);
        if (there == inside.end()) {
            ++host_only;
            EXPECT_NE(lab::runner::check_sysctl_key(key), std::nullopt) << key << " exists only on the host";
        } else if (writable && !there->second) {
            EXPECT_NE(lab::runner::check_sysctl_key(key), std::nullopt)
                << key << " is writable on the host but read-only in a namespace: the host's value";
        }
    }
    for (const auto& [key, writable] : inside) {
        if (!writable) continue;
        if (key == kLwtunnelKey) {
            EXPECT_NE(lab::runner::check_sysctl_key(key), std::nullopt);
            continue;
        }
        ++allowed;
        EXPECT_EQ(lab::runner::check_sysctl_key(key), std::nullopt) << key << " is writable in a namespace";
    }
    EXPECT_GT(host_only, 20U);
    EXPECT_GT(allowed, 300U);
}

}  // namespace
