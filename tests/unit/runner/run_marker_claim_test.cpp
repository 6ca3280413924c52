// A run's marker is published whole: between drawing an id and holding it, nothing stands under the id's
// name, and `lab clean`'s marker sweep (remove_stale_run_markers) run in that window takes neither the
// claim being written nor, afterwards, the live run's marker. What it does take: markers of dead owners,
// claims whose writer is gone, and unreadable markers once they are old.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "runner/run_owner.hpp"
#include "sys/directory.hpp"

namespace {

namespace fs = std::filesystem;
using namespace lab::runner;

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

// Sets a file's modification time `seconds` into the past.
void age(const fs::path& p, int seconds) {
    struct timespec times[2];
    ::clock_gettime(CLOCK_REALTIME, &times[0]);
    times[0].tv_sec -= seconds;
    times[1] = times[0];
    ASSERT_EQ(::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << p;
}

// A pid above the kernel's limit (2^22): never a live process.
constexpr const char* kGonePid = "1073741823";

std::string own_marker_text() {
    return std::to_string(::getpid()) + " " + std::to_string(process_start_time(::getpid()).value()) + "\n";
}

class RunMarkerClaim : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("lab-run-marker-claim-" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        fs::permissions(dir_, fs::perms(0755));
    }
    void TearDown() override { fs::remove_all(dir_); }

    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    }

    fs::path dir_;
};

TEST_F(RunMarkerClaim, NothingStandsUnderTheIdUntilTheMarkerIsWhole) {
    auto markers = lab::sys::Directory::open_or_create(dir_);
    int windows = 0;
    auto before_publish = [&](const std::string& id) {
        ++windows;
        EXPECT_FALSE(fs::exists(dir_ / id)) << "the id's name is visible before its marker is complete";
        // What is there is the claim, already complete, under a name no run id can have.
        const auto present = names();
        ASSERT_EQ(present.size(), 1u);
        EXPECT_TRUE(present[0].starts_with(".claim-" + std::to_string(::getpid()) + "-")) << present[0];
        EXPECT_EQ(slurp(dir_ / present[0]), own_marker_text());
    };
    RunOwnership run = RunOwnership::claim_new_id(markers, [] { return std::string("abc123"); }, before_publish);
    EXPECT_EQ(windows, 1);
    EXPECT_EQ(run.run_id(), "abc123");
    EXPECT_EQ(names(), std::vector<std::string>{"abc123"}) << "the claim's temporary name is gone";
    EXPECT_EQ(slurp(dir_ / "abc123"), own_marker_text());
    EXPECT_EQ(fs::status(dir_ / "abc123").permissions(), fs::perms(0644));
}

// The race of the issue: `lab clean` runs while a run claims its id, then again while it runs. Before
// markers were published whole, the first clean found an empty marker, removed it as unreadable, and the
// second one tore the live run down.
TEST_F(RunMarkerClaim, ACleanDuringTheClaimLeavesTheLiveRunItsMarker) {
    auto markers = lab::sys::Directory::open_or_create(dir_);
    int removed_in_window = -1;
    RunOwnership run = RunOwnership::claim_new_id(
        markers, [] { return std::string("abc123"); },
        [&](const std::string&) { removed_in_window = remove_stale_run_markers(markers); });
    EXPECT_EQ(removed_in_window, 0) << "the claim being written was taken for a dead run's";
    EXPECT_EQ(remove_stale_run_markers(markers), 0);
    EXPECT_EQ(live_run_owner(markers, "abc123"), ::getpid());
    EXPECT_FALSE(run_marker_unreadable_and_recent(markers, "abc123"));
    EXPECT_TRUE(fs::exists(dir_ / "abc123"));
}

TEST_F(RunMarkerClaim, AnIdLinkedByAnotherRunInTheWindowIsDrawnAgain) {
    auto markers = lab::sys::Directory::open_or_create(dir_);
    std::vector<std::string> draws = {"abc123", "def456"};
    std::size_t next = 0;
    bool stolen = false;
    RunOwnership run = RunOwnership::claim_new_id(
        markers, [&] { return draws.at(next++); },
        [&](const std::string& id) {
            if (stolen) return;
            stolen = true;
            write(dir_ / id, std::string(kGonePid) + " 1\n");  // another run got there between draw and link
        });
    EXPECT_EQ(run.run_id(), "def456");
    EXPECT_EQ(slurp(dir_ / "abc123"), std::string(kGonePid) + " 1\n") << "the other run's marker is untouched";
}

TEST_F(RunMarkerClaim, AClaimRemovedFromUnderItIsWrittenAgain) {
    auto markers = lab::sys::Directory::open_or_create(dir_);
    std::vector<std::string> draws = {"abc123", "def456"};
    std::size_t next = 0;
    bool removed = false;
    RunOwnership run = RunOwnership::claim_new_id(
        markers, [&] { return draws.at(next++); },
        [&](const std::string&) {
            if (std::exchange(removed, true)) return;
            // An older lab's clean removed every name it could not read as a marker, claims included.
            for (const auto& n : names())
                if (n.starts_with(".claim-")) fs::remove(dir_ / n);
        });
    EXPECT_EQ(run.run_id(), "def456");
    EXPECT_EQ(live_run_owner(markers, "def456"), ::getpid());
}

TEST_F(RunMarkerClaim, CleanTakesWhatNoLiveProcessHoldsAndLeavesTheRest) {
    auto markers = lab::sys::Directory::open_or_create(dir_);
    write(dir_ / "a00001", std::string(kGonePid) + " 5\n");                        // a dead run's
    write(dir_ / "a00002", own_marker_text());                                    // a live run's
    write(dir_ / "a00003", "");                                                   // unreadable, recent
    write(dir_ / "a00004", "");                                                   // unreadable, old
    age(dir_ / "a00004", static_cast<int>(kUnreadableMarkerGrace.count()) + 5);
    write(dir_ / "a00005", "garbage");                                            // unreadable, old
    age(dir_ / "a00005", static_cast<int>(kUnreadableMarkerGrace.count()) + 5);
    write(dir_ / (std::string(".claim-") + kGonePid + "-5-0"), "1 2\n");          // left by a killed claim
    const std::string live_claim = ".claim-" + std::to_string(::getpid()) + "-" +
                                   std::to_string(process_start_time(::getpid()).value()) + "-99";
    write(dir_ / live_claim, own_marker_text());                                  // being written
    age(dir_ / live_claim, 3600);                                                 // however old

    EXPECT_TRUE(run_marker_unreadable_and_recent(markers, "a00003"));
    EXPECT_FALSE(run_marker_unreadable_and_recent(markers, "a00004"));
    EXPECT_FALSE(run_marker_unreadable_and_recent(markers, "a00001"));
    EXPECT_FALSE(run_marker_unreadable_and_recent(markers, "a00009")) << "no marker at all";

    EXPECT_EQ(remove_stale_run_markers(markers), 4);
    EXPECT_EQ(names(), (std::vector<std::string>{live_claim, "a00002", "a00003"}));
    EXPECT_EQ(remove_stale_run_markers(markers), 0);
}

// The same race left to chance: one thread claims and releases ids while another sweeps the directory as
// `lab clean` does, as fast as it can. Every claim must hold its marker until it releases it. Bounded: 500
// claims, or 10 s.
TEST_F(RunMarkerClaim, ClaimsRacingACleanLoopNeverLoseTheirMarker) {
    auto markers = lab::sys::Directory::open_or_create(dir_);
    std::atomic<bool> done{false};
    std::atomic<int> sweeps{0};
    std::thread cleaner([&] {
        while (!done.load()) {
            remove_stale_run_markers(markers);
            ++sweeps;
        }
    });
    int claims = 0, lost = 0;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (; claims < 500 && std::chrono::steady_clock::now() < give_up; ++claims) {
        RunOwnership run = RunOwnership::claim_new_id(markers);
        std::this_thread::yield();
        if (live_run_owner(markers, run.run_id()) != ::getpid()) ++lost;
    }
    done = true;
    cleaner.join();
    EXPECT_GT(claims, 50);
    EXPECT_GT(sweeps.load(), 0);
    EXPECT_EQ(lost, 0) << "of " << claims << " claims, with " << sweeps.load() << " cleans";
    EXPECT_TRUE(names().empty()) << "every claim released its marker and its temporary name";
}

TEST_F(RunMarkerClaim, AClaimOfAProcessThatEndedIsStale) {
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) ::_exit(0);
    const std::string claim = ".claim-" + std::to_string(child) + "-" +
                              std::to_string(process_start_time(child).value_or(1)) + "-0";
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    write(dir_ / claim, "x");
    auto markers = lab::sys::Directory::open_or_create(dir_);
    EXPECT_EQ(remove_stale_run_markers(markers), 1);
    EXPECT_TRUE(names().empty());
}

}  // namespace
