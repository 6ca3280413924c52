#pragma once
// What the hardening tests share: run the real `lab` binary as a user would (optionally under another
// umask), find what a run left, and look for processes by a marker in their command line.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/e2e/support/file_text.hpp"
#include "tests/e2e/support/program.hpp"

namespace lab::hardening_test {

namespace fs = std::filesystem;

inline const std::string kLab = std::string(LAB_BIN_DIR) + "/lab";

using ::lab::e2e::Output;
using ::lab::e2e::Program;
using ::lab::e2e::ProgramSpec;
using ::lab::e2e::Result;
using ::lab::e2e::slurp;

// A scratch directory of the test's own (root's, 0755), removed afterwards.
class Scratch {
public:
    explicit Scratch(const std::string& name)
        : dir_(fs::temp_directory_path() / ("lab-hardening-" + std::to_string(::getpid()) + "-" + name)) {
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        fs::permissions(dir_, fs::perms(0755));
    }
    ~Scratch() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    const fs::path& path() const { return dir_; }
    std::string write(const std::string& name, const std::string& text) const {
        fs::path p = dir_ / name;
        std::ofstream(p) << text;
        return p.string();
    }

private:
    fs::path dir_;
};

// `lab ARGS...` to its end; with a umask, through a shell that sets it first.
inline Result run_lab(const fs::path& scratch, std::vector<std::string> args, std::optional<mode_t> umask = {}) {
    ProgramSpec lab{.exe = kLab,
                    .args = std::move(args),
                    .out = Output::to_file(scratch / "lab.stdout"),
                    .err = Output::to_file(scratch / "lab.stderr")};
    if (umask) {
        lab.args.insert(lab.args.begin(), {"-c", "umask " + std::to_string(*umask) + " && exec \"$0\" \"$@\"", kLab});
        lab.exe = "/bin/sh";
    }
    return ::lab::e2e::run_to_end(lab);
}

inline std::set<std::string> lab_namespaces() {
    std::set<std::string> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/run/netns", ec)) {
        std::string n = e.path().filename().string();
        if (n.rfind("lab-", 0) == 0) out.insert(n);
    }
    return out;
}

// Pids whose command line contains `marker` (never this process).
inline std::vector<pid_t> processes_with(const std::string& marker) {
    std::vector<pid_t> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/proc", ec)) {
        const std::string name = e.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::string cmd = slurp(e.path() / "cmdline");
        for (char& c : cmd)
            if (c == '\0') c = ' ';
        if (cmd.find(marker) != std::string::npos && std::stoi(name) != ::getpid()) out.push_back(std::stoi(name));
    }
    return out;
}

// A fraction that makes `sleep 1000.<marker>` unique to this test process.
inline std::string unique_marker() {
    std::mt19937 rng(static_cast<unsigned>(::getpid()) ^ static_cast<unsigned>(std::random_device{}()));
    return std::to_string(10000 + rng() % 89999);
}

inline std::vector<fs::path> records_under(const fs::path& dir) {
    std::vector<fs::path> found;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
        if (it->path().filename() == "record.json") found.push_back(it->path());
    return found;
}

inline mode_t mode_of(const fs::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
}

inline std::string cgroup2_mount() {
    std::ifstream in("/proc/self/mountinfo");
    for (std::string line; std::getline(in, line);) {
        auto dash = line.find(" - cgroup2 ");
        if (dash == std::string::npos) continue;
        std::istringstream f(line.substr(0, dash));
        std::string id, parent, dev, root, mount;
        f >> id >> parent >> dev >> root >> mount;
        return mount;
    }
    return "";
}

}  // namespace lab::hardening_test
