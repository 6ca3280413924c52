#include "one_node_slurm.hpp"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "tests/e2e/support/file_text.hpp"

namespace fs = std::filesystem;

namespace lab::test {
namespace {

using e2e::Output;
using e2e::Program;
using e2e::run_to_end;
using e2e::slurp;

std::string tail(const std::string& text, std::size_t lines) {
    std::size_t at = text.size();
    for (std::size_t n = 0; n <= lines && at != std::string::npos && at > 0; ++n) at = text.rfind('\n', at - 1);
    return at == std::string::npos ? text : text.substr(at + 1);
}

// A TCP port no one listens on now: the kernel's pick for port 0. Slurm binds it a moment later; a
// collision in between would show as a daemon that does not start, in its log.
int unused_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket for a free port failed");
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("bind to port 0 failed");
    }
    ::close(fd);
    return ntohs(a.sin_port);
}

// Where Debian installs the program (root's PATH may lack /usr/sbin under ctest), or "".
std::string program_path(const std::string& name) {
    for (const char* dir : {"/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
        const fs::path p = fs::path(dir) / name;
        if (::access(p.c_str(), X_OK) == 0) return p.string();
    }
    return "";
}

// Runs a program to its end; its stdout.
std::string output_of(const std::string& program, const std::vector<std::string>& args) {
    return run_to_end({.exe = program_path(program), .args = args, .out = Output::captured()}).out;
}

std::string short_hostname() {
    char name[256] = {};
    ::gethostname(name, sizeof name - 1);
    std::string n = name;
    return n.substr(0, n.find('.'));
}

// "CPUs=2 Boards=1 ... RealMemory=23989": the number after `key=`, where `key` starts a word. (No
// std::regex: GCC 12's sanitizer build warns inside it.)
int field_of(const std::string& text, const std::string& key) {
    const std::string wanted = key + "=";
    for (std::size_t at = text.find(wanted); at != std::string::npos; at = text.find(wanted, at + 1)) {
        if (at > 0 && !std::isspace(static_cast<unsigned char>(text[at - 1]))) continue;
        const std::size_t digits = at + wanted.size();
        if (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) return std::stoi(text.substr(digits));
    }
    throw std::runtime_error(fmt::format("slurmd -C says no {}: {}", key, text));
}

}  // namespace

std::vector<std::string> OneNodeSlurm::missing_programs() {
    std::vector<std::string> missing;
    const std::pair<const char*, const char*> programs[] = {{"munged", "munge"},     {"mungekey", "munge"},
                                                            {"slurmctld", "slurmctld"}, {"slurmd", "slurmd"},
                                                            {"sbatch", "slurm-client"}, {"sinfo", "slurm-client"}};
    for (const auto& [program, package] : programs)
        if (program_path(program).empty()) missing.push_back(fmt::format("{} (package {})", program, package));
    return missing;
}

OneNodeSlurm::OneNodeSlurm(fs::path scratch, std::chrono::seconds startup) : dir_(std::move(scratch)) {
    node_ = short_hostname();
    const std::string hardware = output_of("slurmd", {"-C"});
    cpus_ = field_of(hardware, "CPUs");
    // A little under what the node has, or slurmd would register with less than the configuration says
    // and the node would be drained.
    const int memory = field_of(hardware, "RealMemory") * 9 / 10;

    fs::remove_all(dir_);
    for (const char* sub : {"munge", "state", "spool", "log"}) fs::create_directories(dir_ / sub);
    fs::permissions(dir_, fs::perms(0755));
    // munged insists on a key only its user reads, in a directory others cannot write.
    fs::permissions(dir_ / "munge", fs::perms(0755));
    const fs::path key = dir_ / "munge" / "munge.key";
    const fs::path socket = dir_ / "munge" / "munge.socket";
    if (run_to_end({.exe = program_path("mungekey"), .args = {"--create", "--keyfile", key.string()}}).exit_code != 0)
        throw std::runtime_error("mungekey --create failed");

    const int ctld_port = unused_port();
    int slurmd_port = unused_port();
    while (slurmd_port == ctld_port) slurmd_port = unused_port();
    config_ = dir_ / "slurm.conf";
    std::ofstream(config_) << fmt::format(
        R"(# A one-node cluster for lab's cluster test; everything below {dir}.
ClusterName=labtest{pid}
SlurmctldHost={node}
SlurmUser=root
SlurmdUser=root
SlurmctldPort={ctld_port}
SlurmdPort={slurmd_port}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={socket}
StateSaveLocation={dir}/state
SlurmdSpoolDir={dir}/spool
SlurmctldPidFile={dir}/slurmctld.pid
SlurmdPidFile={dir}/slurmd.pid
SlurmctldLogFile={dir}/log/slurmctld.log
SlurmdLogFile={dir}/log/slurmd.log
# No cgroups, no accounting: what works on this VM without systemd.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
# Poll less lazily than the defaults, so that sbatch --wait and dependent jobs follow quickly.
SchedulerParameters=sched_interval=1
NodeName={node} CPUs={cpus} RealMemory={memory} State=UNKNOWN
PartitionName=lab Nodes={node} Default=YES MaxTime=INFINITE State=UP
)",
        fmt::arg("dir", dir_.string()), fmt::arg("pid", ::getpid()), fmt::arg("node", node_), fmt::arg("ctld_port", ctld_port),
        fmt::arg("slurmd_port", slurmd_port), fmt::arg("socket", socket.string()), fmt::arg("cpus", cpus_),
        fmt::arg("memory", memory));

    if (const char* previous = std::getenv("SLURM_CONF")) previous_slurm_conf_ = previous;
    ::setenv("SLURM_CONF", config_.c_str(), 1);
    try {
        start("munged", {"--foreground", "--force", "--socket=" + socket.string(), "--key-file=" + key.string(),
                         "--pid-file=" + (dir_ / "munge" / "munged.pid").string(),
                         "--log-file=" + (dir_ / "log" / "munged.log").string(),
                         "--seed-file=" + (dir_ / "munge" / "munged.seed").string()});
        const auto munge_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (!fs::exists(socket) && std::chrono::steady_clock::now() < munge_deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        start("slurmctld", {"-D", "-f", config_.string()});
        start("slurmd", {"-D", "-f", config_.string()});
        const auto deadline = std::chrono::steady_clock::now() + startup;
        while (!node_idle()) {
            for (auto& [name, child] : daemons_)
                if (!child.running()) throw std::runtime_error(fmt::format("{} ended at start\n{}", name, logs()));
            if (std::chrono::steady_clock::now() > deadline)
                throw std::runtime_error(fmt::format("the node did not become idle within {} s\n{}", startup.count(), logs()));
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    } catch (...) {
        stop_all();
        throw;
    }
}

OneNodeSlurm::~OneNodeSlurm() { stop_all(); }

void OneNodeSlurm::start(const std::string& name, const std::vector<std::string>& argv) {
    const fs::path out = dir_ / "log" / (name + ".out");
    // The daemon ends with the test even when the test is killed (a ctest timeout) before its destructor runs.
    daemons_.emplace_back(name, Program({.exe = program_path(name),
                                         .args = argv,
                                         .out = Output::to_file(out),
                                         .err = Output::to_file(out),
                                         .die_with_test = true}));
}

bool OneNodeSlurm::node_idle() const {
    const std::string state = output_of("sinfo", {"--noheader", "--format=%t", "--nodes=" + node_});
    return state.rfind("idle", 0) == 0;
}

void OneNodeSlurm::stop_all() {
    if (daemons_.empty() && dir_.empty()) return;
    // Jobs still queued or running (a test that failed half-way) are cancelled while slurmctld can, and
    // their processes end with them before the daemons go.
    bool controller_up = false;
    for (auto& [name, child] : daemons_) controller_up = controller_up || (name == "slurmctld" && child.running());
    if (controller_up) {
        run_to_end({.exe = program_path("scancel"), .args = {"--full", "--user=root"}});
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (std::chrono::steady_clock::now() < deadline &&
               !output_of("squeue", {"--noheader", "--format=%i"}).empty())
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    // The reverse of the start order: slurmd, slurmctld, munged. Each by its own PID.
    for (auto it = daemons_.rbegin(); it != daemons_.rend(); ++it) {
        Program& daemon = it->second;
        if (!daemon.running()) continue;
        ::kill(daemon.pid(), SIGTERM);
        if (!daemon.wait_for(std::chrono::seconds(10))) {
            ::kill(daemon.pid(), SIGKILL);
            daemon.wait();
        }
    }
    daemons_.clear();
    if (previous_slurm_conf_)
        ::setenv("SLURM_CONF", previous_slurm_conf_->c_str(), 1);
    else
        ::unsetenv("SLURM_CONF");
    std::error_code ec;
    fs::remove_all(dir_, ec);
    dir_.clear();
}

std::string OneNodeSlurm::logs() const {
    std::string out;
    for (const char* name : {"munged.out", "slurmctld.out", "slurmd.out", "slurmctld.log", "slurmd.log"})
        out += fmt::format("--- {}\n{}", name, tail(slurp(dir_ / "log" / name), 15));
    return out;
}

}  // namespace lab::test
