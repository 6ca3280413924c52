// The .deb: built by cpack from this build tree, unpacked with `dpkg -x` into a scratch root (as a user's
// `apt install ./lab_*.deb` would place it, without touching this machine's /usr), and run from there.
// The installed lab must find its own catalogue, ../share/lab/scenarios beside its bin/.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <boost/process.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace bp = boost::process;
namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

namespace {

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

// The scenario names of the source catalogue, sweeps included: what the package must carry.
std::set<std::string> source_catalogue() {
    std::set<std::string> names;
    for (const auto& e : fs::recursive_directory_iterator(fs::path(LAB_SOURCE_DIR) / "scenarios"))
        if (e.path().extension() == ".toml") names.insert(e.path().stem().string());
    return names;
}

class Package : public ::testing::Test {
protected:
    // Once for all tests: building the package is the expensive part.
    static void SetUpTestSuite() {
        scratch_ = fs::temp_directory_path() / ("lab-package-" + std::to_string(::getpid()));
        fs::remove_all(scratch_);
        fs::create_directories(scratch_ / "cpack");
        fs::create_directories(scratch_ / "elsewhere");  // a working directory with no ./scenarios
        Result built = run({LAB_CPACK, "-G", "DEB", "--config", std::string(LAB_BUILD_DIR) + "/CPackConfig.cmake",
                            "-B", (scratch_ / "cpack").string()});
        ASSERT_EQ(built.exit_code, 0) << built.out << built.err;
        for (const auto& e : fs::directory_iterator(scratch_ / "cpack"))
            if (e.path().extension() == ".deb") deb_ = e.path();
        ASSERT_FALSE(deb_.empty()) << "cpack wrote no .deb: " << built.out;
        Result unpacked = run({"dpkg", "-x", deb_.string(), root().string()});
        ASSERT_EQ(unpacked.exit_code, 0) << unpacked.err;
    }
    static void TearDownTestSuite() {
        fs::remove_all(scratch_);
        EXPECT_FALSE(fs::exists(scratch_));
    }
    void SetUp() override {
        if (deb_.empty() || !fs::exists(root() / "usr/bin/lab")) GTEST_FAIL() << "no package was built and unpacked";
    }

    static fs::path root() { return scratch_ / "root"; }
    static fs::path installed_lab() { return root() / "usr/bin/lab"; }

    // A command with its output, from a working directory without a catalogue unless told otherwise.
    static Result run(const std::vector<std::string>& argv, const fs::path& cwd = {}) {
        Result r;
        const fs::path out = scratch_ / "stdout", err = scratch_ / "stderr";
        fs::remove(out);  // boost.process appends to an existing file
        fs::remove(err);
        const std::string exe =
            argv.front().find('/') == std::string::npos ? bp::search_path(argv.front()).string() : argv.front();
        r.exit_code = bp::system(bp::exe = exe,
                                 bp::args = std::vector<std::string>(argv.begin() + 1, argv.end()),
                                 bp::start_dir = (cwd.empty() ? scratch_ / "elsewhere" : cwd).string(),
                                 bp::std_in < bp::null, bp::std_out > out.string(), bp::std_err > err.string());
        r.out = slurp(out);
        r.err = slurp(err);
        return r;
    }
    static std::string field(const std::string& name) {
        Result r = run({"dpkg-deb", "--field", deb_.string(), name});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        while (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
        return r.out;
    }

    static fs::path scratch_;
    static fs::path deb_;
};

fs::path Package::scratch_;
fs::path Package::deb_;

TEST_F(Package, IsNamedAndVersionedAfterTheProject) {
    Result arch = run({"dpkg", "--print-architecture"});
    ASSERT_EQ(arch.exit_code, 0);
    arch.out.erase(arch.out.find_last_not_of('\n') + 1);
    EXPECT_EQ(deb_.filename().string(), "lab_" LAB_VERSION "_" + arch.out + ".deb");
    EXPECT_EQ(field("Package"), "lab");
    EXPECT_EQ(field("Version"), LAB_VERSION);
    EXPECT_EQ(field("Architecture"), arch.out);
    EXPECT_EQ(field("Section"), "net");
    EXPECT_THAT(field("Maintainer"), ::testing::MatchesRegex(".+ <.+@.+>"));
    EXPECT_THAT(field("Description"), HasSubstr("network namespaces"));
    Result version = run({installed_lab().string(), "--version"});
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_EQ(version.out, LAB_VERSION "\n");
}

TEST_F(Package, DependsOnTheDebianRuntimeLibrariesItLinks) {
    const std::string depends = field("Depends");
    // Package names carry sonames (libfmt9, libboost-filesystem1.74.0); the stems are what the build links.
    for (const char* stem : {"libnl-3-", "libnl-route-3-", "libnl-idiag-3-", "libboost-filesystem", "libfmt",
                             "libtomlplusplus", "liblzma", "libzstd", "libre2-", "libstdc++6", "libc6"})
        EXPECT_THAT(depends, HasSubstr(stem)) << depends;
    EXPECT_THAT(field("Recommends"), HasSubstr("netcat-openbsd"));
}

TEST_F(Package, HoldsTheProgramsCatalogueManPagesCompletionAndDocs) {
    for (const char* program : {"lab", "lab-server", "lab-client", "lab-wire"}) {
        const fs::path p = root() / "usr/bin" / program;
        EXPECT_TRUE(fs::is_regular_file(p)) << p;
        EXPECT_NE(fs::status(p).permissions() & fs::perms::others_exec, fs::perms::none) << p;
    }
    std::set<std::string> installed;
    for (const auto& e : fs::recursive_directory_iterator(root() / "usr/share/lab/scenarios"))
        if (e.path().extension() == ".toml") installed.insert(e.path().stem().string());
    EXPECT_EQ(installed, source_catalogue());
    EXPECT_TRUE(fs::is_regular_file(root() / "usr/share/lab/scenarios/sweeps/backlog-vs-retries.toml"));

    for (const char* page : {"lab", "lab-run", "lab-sweep", "lab-sweep-report", "lab-validate", "lab-list", "lab-clean",
                             "lab-doctor", "lab-report", "lab-compare", "lab-vm", "lab-vm-run", "lab-vm-kernels"})
        EXPECT_TRUE(fs::is_regular_file(root() / "usr/share/man/man1" / (std::string(page) + ".1.gz"))) << page;
    EXPECT_TRUE(fs::is_regular_file(root() / "usr/share/bash-completion/completions/lab"));
    EXPECT_TRUE(fs::is_regular_file(root() / "usr/share/doc/lab/README.md"));
    EXPECT_TRUE(fs::is_regular_file(root() / "usr/share/doc/lab/docs/scenario-format.md"));
}

TEST_F(Package, ManPagesAreTheCommandsOwnHelp) {
    Result run_page = run({"gzip", "-dc", (root() / "usr/share/man/man1/lab-run.1.gz").string()});
    ASSERT_EQ(run_page.exit_code, 0) << run_page.err;
    EXPECT_THAT(run_page.out, HasSubstr(".TH LAB-RUN \"1\""));
    EXPECT_THAT(run_page.out, HasSubstr("lab-run \\- build the lab of each scenario"));
    EXPECT_THAT(run_page.out, HasSubstr("\\-\\-repeat"));  // an option of `lab run --help`
    EXPECT_THAT(run_page.out, HasSubstr(".BR lab (1)"));
    Result top = run({"gzip", "-dc", (root() / "usr/share/man/man1/lab.1.gz").string()});
    ASSERT_EQ(top.exit_code, 0) << top.err;
    EXPECT_THAT(top.out, HasSubstr(".SH \"SCENARIO CATALOGUE\""));
    EXPECT_THAT(top.out, HasSubstr(".BR lab-vm-run (1)"));
}

TEST_F(Package, InstalledLabListsItsOwnCatalogueFromAnyDirectory) {
    Result listed = run({installed_lab().string(), "list"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    for (const auto& name : source_catalogue()) {
        // `lab list` shows the top level; sweeps/ and scale/ are found by name only.
        if (!fs::exists(fs::path(LAB_SOURCE_DIR) / "scenarios" / (name + ".toml"))) continue;
        EXPECT_THAT(listed.out, HasSubstr("\n" + name + " ")) << listed.out;
    }
}

TEST_F(Package, InstalledLabValidatesCatalogueScenariosByName) {
    Result named = run({installed_lab().string(), "validate", "backlog-30-netcat", "backlog-vs-retries"});
    EXPECT_EQ(named.exit_code, 0) << named.err;
    // Found in the unpacked tree, not in this checkout or this machine's /usr.
    EXPECT_THAT(named.out, HasSubstr("ok  " + (root() / "usr/share/lab/scenarios/backlog-30-netcat.toml").string()));
    EXPECT_THAT(named.out, HasSubstr((root() / "usr/share/lab/scenarios/sweeps/backlog-vs-retries.toml").string()));

    Result all = run({installed_lab().string(), "validate", (root() / "usr/share/lab/scenarios").string()});
    EXPECT_EQ(all.exit_code, 0) << all.out << all.err;

    Result unknown = run({installed_lab().string(), "validate", "no-such-scenario"});
    EXPECT_EQ(unknown.exit_code, 2);
    EXPECT_THAT(unknown.err, HasSubstr("no-such-scenario: no such scenario file or directory, nor a scenario of that "
                                       "name in scenarios, " + (root() / "usr/share/lab/scenarios").string()));
}

TEST_F(Package, ACheckoutsOwnScenariosComeFirst) {
    // In a checkout (./scenarios holds the catalogue) a name is the checkout's file, as before installing.
    Result named = run({installed_lab().string(), "validate", "connscale"}, LAB_SOURCE_DIR);
    EXPECT_EQ(named.exit_code, 0) << named.err;
    EXPECT_THAT(named.out, HasSubstr("ok  scenarios/connscale.toml"));
}

TEST_F(Package, BashCompletionOffersSubcommandsOptionsAndScenarioNames) {
    const std::string script = (root() / "usr/share/bash-completion/completions/lab").string();
    auto complete = [&](const std::string& words) {
        Result r = run({"bash", "-c",
                        "source \"$1\"; COMP_WORDS=(\"$2\" $3); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); "
                        "[[ $3 == *' ' || -z $3 ]] && { COMP_WORDS+=(''); COMP_CWORD=$((COMP_CWORD + 1)); }; "
                        "_lab; printf '%s\\n' \"${COMPREPLY[@]}\" | sort",
                        "complete", script, installed_lab().string(), words});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        return r.out;
    };
    EXPECT_THAT(complete("ru"), HasSubstr("run\n"));
    EXPECT_THAT(complete("vm "), HasSubstr("kernels\nrun\n"));
    EXPECT_THAT(complete("run --rep"), ::testing::StrEq("--repeat\n"));
    const std::string names = complete("run backlog-30");
    EXPECT_THAT(names, HasSubstr("backlog-30-netcat\n"));
    EXPECT_THAT(names, HasSubstr("backlog-30-netcat-delay\n"));
    EXPECT_THAT(complete("sweep backlog-vs"), HasSubstr("backlog-vs-retries\n"));
    EXPECT_THAT(complete("doctor "), Not(HasSubstr("backlog")));
}

}  // namespace
