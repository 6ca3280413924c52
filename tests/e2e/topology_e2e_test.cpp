// The topology layer against a real kernel: needs root, skips without it. Every namespace is named
// labtest-topo-<random>-..., every address is in 198.18.0.0/15, every process is one this test
// started; the host's links and sysctls are read (to prove they did not change), never written.
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "runner/address.hpp"
#include "runner/leftovers.hpp"
#include "runner/link.hpp"
#include "runner/netlink_socket.hpp"
#include "runner/netns.hpp"
#include "runner/netns_batch.hpp"
#include "runner/sysctl.hpp"
#include "runner/topology.hpp"
#include "sys/kernel_error.hpp"

namespace {

using namespace lab::runner;
using namespace std::chrono_literals;

std::string random_prefix() {
    std::random_device rd;
    return fmt::format("labtest-topo-{:08x}", rd());
}

std::vector<std::string> run_netns_entries(const std::string& prefix) {
    std::vector<std::string> names;
    if (DIR* dir = opendir("/run/netns")) {
        while (const dirent* e = readdir(dir))
            if (std::string_view(e->d_name).starts_with(prefix)) names.emplace_back(e->d_name);
        closedir(dir);
    }
    std::sort(names.begin(), names.end());
    return names;
}

// Interface names in /proc/<path>/dev; read from the main thread it is the host's namespace.
std::set<std::string> interfaces_in(const std::string& net_dir) {
    std::ifstream in(net_dir + "/dev");
    std::set<std::string> names;
    std::string line;
    for (int n = 0; std::getline(in, line); ++n) {
        if (n < 2) continue;
        const auto colon = line.find(':');
        std::string name = line.substr(0, colon);
        name.erase(0, name.find_first_not_of(' '));
        names.insert(name);
    }
    return names;
}

std::string host_sysctl(const std::string& key) {
    std::ifstream in(sysctl_path(key));
    std::string value;
    std::getline(in, value);
    return value;
}

std::string shell(const std::string& command) {
    std::string out;
    if (FILE* p = popen(command.c_str(), "r")) {
        char buf[512];
        while (std::fgets(buf, sizeof buf, p)) out += buf;
        pclose(p);
    }
    return out;
}

class Fd {
 public:
    explicit Fd(int fd) : fd_(fd) {
        if (fd_ < 0) throw std::system_error(errno, std::generic_category(), "socket");
    }
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

 private:
    int fd_;
};

sockaddr_in endpoint(const std::string& address, int port) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, address.c_str(), &sa.sin_addr);
    return sa;
}

// The socket belongs to ns for good, so the main thread can accept on it afterwards.
Fd listen_in(const Netns& ns, const std::string& address, int port) {
    return run_in_netns(ns, [&] {
        Fd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
        int one = 1;
        setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in sa = endpoint(address, port);
        if (bind(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0 || listen(fd.get(), 16) != 0)
            throw std::system_error(errno, std::generic_category(), "bind/listen " + address);
        return fd;
    });
}

// 0 when the handshake completed, else the errno (ETIMEDOUT when nothing answered within 3 s).
int connect_from(const Netns& ns, const std::string& address, int port) {
    return run_in_netns(ns, [&] {
        Fd fd(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
        sockaddr_in sa = endpoint(address, port);
        if (connect(fd.get(), reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0) return 0;
        if (errno != EINPROGRESS) return errno;
        pollfd p{fd.get(), POLLOUT, 0};
        if (poll(&p, 1, 3000) != 1) return ETIMEDOUT;
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
        return err;
    });
}

// The source address of the next connection the listener accepts, "" if none arrives.
std::string accept_peer(const Fd& listener) {
    pollfd p{listener.get(), POLLIN, 0};
    if (poll(&p, 1, 2000) != 1) return "";
    sockaddr_in peer{};
    socklen_t len = sizeof peer;
    Fd conn(accept4(listener.get(), reinterpret_cast<sockaddr*>(&peer), &len, SOCK_CLOEXEC));
    char text[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, &peer.sin_addr, text, sizeof text);
    return text;
}

class TopologyE2E : public ::testing::Test {
 protected:
    void SetUp() override {
        if (geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces)";
        prefix_ = random_prefix();
    }
    void TearDown() override {
        if (!prefix_.empty()) {
            EXPECT_EQ(run_netns_entries(prefix_), std::vector<std::string>{});
        }
    }
    std::string ns_name(const std::string& host) const { return prefix_ + "-" + host; }

    std::string prefix_;
};

TEST_F(TopologyE2E, BuildsPairBridgeRoutesAndSysctlsThenRemovesEverything) {
    const std::string synack_host = host_sysctl("net.ipv4.tcp_synack_retries");
    const std::string forward_host = host_sysctl("net.ipv4.ip_forward");
    const std::string synack_lab = synack_host == "2" ? "3" : "2";
    const std::set<std::string> host_links = interfaces_in("/proc/net");

    TopologySpec spec;
    spec.prefix = prefix_;
    for (const char* h : {"a", "b", "c", "d", "e"}) spec.hosts.push_back({h, ns_name(h), {}});
    spec.hosts[1].sysctls = {{"net.ipv4.ip_forward", "1"}};                // b routes between the segments
    spec.hosts[2].sysctls = {{"net.ipv4.tcp_synack_retries", synack_lab}};
    spec.hosts[3].sysctls = {{"net.ipv4.conf.eth0.rp_filter", "2"}};       // needs eth0 to exist
    spec.hosts[4].sysctls = {{"net.ipv4.conf.default.arp_announce", "2"}}; // must reach eth0 too
    spec.segments.push_back({"ab", {{"a", "e0", "198.18.0.1/24"}, {"b", "e0", "198.18.0.2/24"}}});
    spec.segments.push_back({"lan",
                             {{"b", "e1", "198.18.1.4/24"},
                              {"c", "eth0", "198.18.1.1/24"},
                              {"d", "eth0", "198.18.1.2/24"},
                              {"e", "eth0", "198.18.1.3/24"}}});
    spec.routes.push_back({"a", "198.18.1.0/24", "198.18.0.2"});
    spec.routes.push_back({"c", "198.18.0.0/24", "198.18.1.4"});

    {
        Topology topo = Topology::build(spec);

        std::vector<std::string> expected_ns = {ns_name("a"), ns_name("b"), ns_name("c"), ns_name("d"),
                                                ns_name("e"), switch_netns_name(prefix_)};
        auto names = topo.namespace_names();
        EXPECT_EQ(names, expected_ns);
        std::sort(expected_ns.begin(), expected_ns.end());
        EXPECT_EQ(run_netns_entries(prefix_), expected_ns);

        // Made the way iproute2 makes them, so its tools work on ours.
        EXPECT_NE(shell("ip netns list").find(ns_name("a")), std::string::npos);
        EXPECT_NE(shell(fmt::format("ip netns exec {} ip -o -4 addr show dev e0", ns_name("a"))).find("198.18.0.1/24"),
                  std::string::npos);

        for (const auto& seg : spec.segments) {
            for (const auto& end : seg.ends) {
                SCOPED_TRACE(end.host + " " + end.ifname);
                NetlinkSocket sock = NetlinkSocket::open_in(topo.host_netns(end.host));
                // No polling: build() returns only once every veth end is operational.
                LinkState link = get_link(sock, end.ifname);
                EXPECT_EQ(link.kind, "veth");
                EXPECT_TRUE(link.admin_up);
                EXPECT_TRUE(link.lower_up);
                EXPECT_TRUE(link.oper_up);
                auto addrs = list_addresses(sock, end.ifname);
                ASSERT_EQ(addrs.size(), 1u);
                EXPECT_EQ(addrs[0].str(), end.cidr);
                EXPECT_TRUE(get_link(sock, "lo").admin_up);
            }
        }

        // Seen from /proc inside a namespace: its own devices and nothing else.
        auto a_links = run_in_netns(topo.host_netns("a"), [] { return interfaces_in("/proc/thread-self/net"); });
        EXPECT_EQ(a_links, (std::set<std::string>{"lo", "e0"}));

        // The bridge and its ports live in the switch namespace, one port per lan end.
        const Netns& sw = topo.netns_named(switch_netns_name(prefix_));
        NetlinkSocket sw_sock = NetlinkSocket::open_in(sw);
        int lan_ports = 0;
        std::optional<int> bridge_index;
        for (const auto& port : topo.ports()) {
            if (port.segment == "ab") {
                EXPECT_EQ(port.peer_netns_name, port.host == "a" ? ns_name("b") : ns_name("a"));
                EXPECT_EQ(port.peer_ifname, "e0");
                continue;
            }
            ++lan_ports;
            EXPECT_EQ(port.peer_netns_name, sw.name());
            LinkState sw_port = get_link(sw_sock, port.peer_ifname);
            EXPECT_TRUE(sw_port.admin_up);
            EXPECT_TRUE(sw_port.oper_up);
            ASSERT_NE(sw_port.master_index, 0);
            if (!bridge_index) bridge_index = sw_port.master_index;
            EXPECT_EQ(sw_port.master_index, *bridge_index);
        }
        EXPECT_EQ(lan_ports, 4);
        auto sw_links = run_in_netns(sw, [] { return interfaces_in("/proc/thread-self/net"); });
        EXPECT_EQ(sw_links.size(), 1u + 1u + 4u) << "lo, the bridge, four ports";

        // Same segment, across the bridge, and routed through b.
        Fd on_b = listen_in(topo.host_netns("b"), "198.18.0.2", 7000);
        EXPECT_EQ(connect_from(topo.host_netns("a"), "198.18.0.2", 7000), 0);
        EXPECT_EQ(accept_peer(on_b), "198.18.0.1");
        Fd on_c = listen_in(topo.host_netns("c"), "198.18.1.1", 7000);
        EXPECT_EQ(connect_from(topo.host_netns("d"), "198.18.1.1", 7000), 0);
        EXPECT_EQ(accept_peer(on_c), "198.18.1.2");
        EXPECT_EQ(connect_from(topo.host_netns("a"), "198.18.1.1", 7000), 0);
        EXPECT_EQ(accept_peer(on_c), "198.18.0.1");

        EXPECT_EQ(read_sysctl(topo.host_netns("b"), "net.ipv4.ip_forward"), "1");
        EXPECT_EQ(read_sysctl(topo.host_netns("c"), "net.ipv4.tcp_synack_retries"), synack_lab);
        EXPECT_EQ(read_sysctl(topo.host_netns("d"), "net.ipv4.tcp_synack_retries"), "5") << "kernel default";
        EXPECT_EQ(read_sysctl(topo.host_netns("d"), "net.ipv4.conf.eth0.rp_filter"), "2");
        EXPECT_EQ(read_sysctl(topo.host_netns("e"), "net.ipv4.conf.eth0.arp_announce"), "2")
            << "conf.default must be written before the device is made";

        EXPECT_EQ(host_sysctl("net.ipv4.tcp_synack_retries"), synack_host);
        EXPECT_EQ(host_sysctl("net.ipv4.ip_forward"), forward_host);
        EXPECT_EQ(interfaces_in("/proc/net"), host_links) << "nothing may appear in the host namespace";
    }

    EXPECT_EQ(run_netns_entries(prefix_), std::vector<std::string>{});
    EXPECT_EQ(host_sysctl("net.ipv4.tcp_synack_retries"), synack_host);
    EXPECT_EQ(host_sysctl("net.ipv4.ip_forward"), forward_host);
    EXPECT_EQ(interfaces_in("/proc/net"), host_links);
}

TopologySpec three_hosts(const std::string& prefix) {
    TopologySpec spec;
    spec.prefix = prefix;
    for (const char* h : {"a", "b", "c"}) spec.hosts.push_back({h, prefix + "-" + h, {}});
    spec.segments.push_back({"ab", {{"a", "e0", "198.18.0.1/24"}, {"b", "e0", "198.18.0.2/24"}}});
    spec.segments.push_back({"bc", {{"b", "e1", "198.18.1.1/24"}, {"c", "e0", "198.18.1.2/24"}}});
    return spec;
}

std::string build_error(const TopologySpec& spec) {
    try {
        Topology topo = Topology::build(spec);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

TEST_F(TopologyE2E, DuplicateInterfaceIsRefusedBeforeAnyNamespaceExists) {
    auto spec = three_hosts(prefix_);
    spec.segments[1].ends[0].ifname = "e0";
    const std::string error = build_error(spec);
    std::cout << "  error: " << error << "\n";
    EXPECT_NE(error.find("segment 'bc' end 1 (host 'b'): interface 'e0' is already on host 'b'"), std::string::npos)
        << error;
    EXPECT_EQ(run_netns_entries(prefix_), std::vector<std::string>{});
}

TEST_F(TopologyE2E, KernelRefusalAfterTheLinksRemovesEverythingBuilt) {
    auto spec = three_hosts(prefix_);
    spec.routes.push_back({"a", "198.18.7.0/24", "198.18.6.1"});  // valid, but no such network on a
    const std::string error = build_error(spec);
    std::cout << "  error: " << error << "\n";
    EXPECT_NE(error.find(fmt::format("add route 198.18.7.0/24 via 198.18.6.1 in netns {}: ", ns_name("a"))),
              std::string::npos)
        << error;
    EXPECT_NE(error.find("(ENETUNREACH)"), std::string::npos) << error;
}

TEST_F(TopologyE2E, UnknownInterfaceSysctlFailsLastAndRemovesEverythingBuilt) {
    auto spec = three_hosts(prefix_);
    spec.hosts[2].sysctls = {{"net.ipv4.conf.e0.no_such_knob", "1"}};
    const std::string error = build_error(spec);
    std::cout << "  error: " << error << "\n";
    EXPECT_NE(error.find(fmt::format("write sysctl net.ipv4.conf.e0.no_such_knob=1 in netns {}: No such file or "
                                     "directory (ENOENT); ",
                                     ns_name("c"))),
              std::string::npos)
        << error;
    EXPECT_NE(error.find("not per-namespace"), std::string::npos) << error;
}

TEST_F(TopologyE2E, ExistingNamespaceIsNeitherAdoptedNorRemoved) {
    Netns squatter = Netns::create(ns_name("b"));
    const std::string error = build_error(three_hosts(prefix_));
    std::cout << "  error: " << error << "\n";
    EXPECT_EQ(error, fmt::format("create netns {}: File exists (EEXIST)", ns_name("b")));
    EXPECT_EQ(run_netns_entries(prefix_), std::vector<std::string>{ns_name("b")}) << "a was removed, b is not ours";
}

void measure_one_bridge(const std::string& prefix, int hosts) {
    TopologySpec spec;
    spec.prefix = prefix;
    TopologySpec::Segment lan{"lan", {}};
    for (int i = 0; i < hosts; ++i) {
        const std::string h = fmt::format("h{}", i);
        spec.hosts.push_back({h, prefix + "-" + h, {}});
        lan.ends.push_back({h, "eth0", fmt::format("198.18.2.{}/24", i + 1)});
    }
    spec.segments.push_back(lan);

    const auto t0 = std::chrono::steady_clock::now();
    std::optional<Topology> topo(Topology::build(spec));
    const auto t1 = std::chrono::steady_clock::now();

    Fd listener = listen_in(topo->host_netns("h0"), "198.18.2.1", 7000);
    EXPECT_EQ(connect_from(topo->host_netns(fmt::format("h{}", hosts - 1)), "198.18.2.1", 7000), 0);
    EXPECT_EQ(accept_peer(listener), fmt::format("198.18.2.{}", hosts));

    const auto t2 = std::chrono::steady_clock::now();
    topo.reset();
    const auto t3 = std::chrono::steady_clock::now();
    auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
    std::cout << fmt::format("  {} hosts on one bridge: build {:.1f} ms, teardown {:.1f} ms\n", hosts, ms(t1 - t0),
                             ms(t3 - t2));
    ::testing::Test::RecordProperty(fmt::format("build_ms_{}", hosts), static_cast<int>(ms(t1 - t0)));
    ::testing::Test::RecordProperty(fmt::format("teardown_ms_{}", hosts), static_cast<int>(ms(t3 - t2)));
}

// Correctness at size; the times are printed for the record, never asserted.
TEST_F(TopologyE2E, TenHostsOnOneBridge) { measure_one_bridge(prefix_, 10); }
TEST_F(TopologyE2E, FiftyHostsOnOneBridge) { measure_one_bridge(prefix_, 50); }

// A child of ours that sleeps inside ns; killed and reaped on every path out of the test.
class SleeperInNetns {
 public:
    explicit SleeperInNetns(const Netns& ns) {
        char arg0[] = "sleep";
        char arg1[] = "30";
        char* argv[] = {arg0, arg1, nullptr};
        pid_ = fork();
        if (pid_ == 0) {
            if (setns(ns.fd(), CLONE_NEWNET) != 0) _exit(126);
            execv("/usr/bin/sleep", argv);
            execv("/bin/sleep", argv);
            _exit(127);
        }
        if (pid_ < 0) throw std::system_error(errno, std::generic_category(), "fork");
        const auto deadline = std::chrono::steady_clock::now() + 5s;
        struct stat st {};
        while (std::chrono::steady_clock::now() < deadline) {
            if (stat(fmt::format("/proc/{}/ns/net", pid_).c_str(), &st) == 0 && st.st_ino == ns.inode() &&
                comm() == "sleep")
                return;
            std::this_thread::sleep_for(5ms);
        }
        throw std::runtime_error("sleeper never reached its namespace");
    }
    SleeperInNetns(const SleeperInNetns&) = delete;
    SleeperInNetns& operator=(const SleeperInNetns&) = delete;
    ~SleeperInNetns() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    pid_t pid() const { return pid_; }
    bool alive() const { return kill(pid_, 0) == 0 && !exited_now(); }
    // The wait status, reaping it.
    int reap() {
        int status = 0;
        waitpid(std::exchange(pid_, -1), &status, 0);
        return status;
    }

 private:
    std::string comm() const {
        std::ifstream in(fmt::format("/proc/{}/comm", pid_));
        std::string name;
        std::getline(in, name);
        return name;
    }
    bool exited_now() const {
        siginfo_t info{};
        return waitid(P_PID, pid_, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid_;
    }
    pid_t pid_ = -1;
};

TEST_F(TopologyE2E, CleanKillsOnlyProcessesInPrefixedNamespacesAndRemovesThem) {
    const std::string leftover_name = ns_name("left");
    const std::string bystander_prefix = random_prefix();
    Netns leftover = Netns::create(leftover_name);
    Netns bystander = Netns::create(bystander_prefix + "-keep");
    SleeperInNetns victim(leftover);
    SleeperInNetns innocent(bystander);
    leftover.release();  // as a crashed run would leave it

    auto found = find_leftovers(prefix_);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].netns_name, leftover_name);
    EXPECT_EQ(found[0].pids, std::vector<pid_t>{victim.pid()});

    CleanReport report = clean_leftovers(prefix_);
    EXPECT_EQ(report.namespaces_removed, std::vector<std::string>{leftover_name});
    EXPECT_EQ(report.processes_killed, std::vector<pid_t>{victim.pid()});
    EXPECT_TRUE(report.problems.empty()) << fmt::format("{}", fmt::join(report.problems, "; "));

    const int status = victim.reap();
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
    EXPECT_EQ(run_netns_entries(prefix_), std::vector<std::string>{});

    EXPECT_TRUE(innocent.alive());
    EXPECT_EQ(run_netns_entries(bystander_prefix), std::vector<std::string>{bystander_prefix + "-keep"});
    EXPECT_THROW(find_leftovers(""), std::invalid_argument);
}


// Many namespaces on a few threads (runner/netns_batch.hpp): each prepared from inside by the thread
// that made it, the result in the order of the names, all removed on the way out.
TEST_F(TopologyE2E, NetnsBatchCreatesInOrderPreparesFromInsideAndRemovesAll) {
    std::vector<std::string> names;
    for (int i = 0; i < 7; ++i) names.push_back(ns_name(fmt::format("n{}", i)));
    const std::string synack_host = host_sysctl("net.ipv4.tcp_synack_retries");
    const std::string synack_lab = synack_host == "2" ? "3" : "2";
    std::vector<PreparedNetns> made =
        create_netns_batch(names, [&](std::size_t, const Netns& ns, NetlinkSocket& sock) {
            set_link_up(sock, "lo");
            write_sysctls_from_inside(ns, {{"net.ipv4.tcp_synack_retries", synack_lab}});
        });
    ASSERT_EQ(made.size(), names.size());
    std::set<ino_t> inodes;
    for (std::size_t i = 0; i < names.size(); ++i) {
        EXPECT_EQ(made[i].netns.name(), names[i]);
        EXPECT_EQ(made[i].sock.netns_name(), names[i]);
        EXPECT_TRUE(get_link(made[i].sock, "lo").admin_up) << names[i];
        EXPECT_EQ(read_sysctl(made[i].netns, "net.ipv4.tcp_synack_retries"), synack_lab) << names[i];
        inodes.insert(made[i].netns.inode());
    }
    EXPECT_EQ(inodes.size(), names.size()) << "every name holds a namespace of its own";
    EXPECT_EQ(host_sysctl("net.ipv4.tcp_synack_retries"), synack_host);
    EXPECT_EQ(run_netns_entries(prefix_).size(), names.size());

    std::vector<Netns> namespaces;
    for (auto& m : made) namespaces.push_back(std::move(m.netns));
    made.clear();
    remove_netns_batch(namespaces);
    EXPECT_TRUE(namespaces.empty());
    EXPECT_EQ(run_netns_entries(prefix_), std::vector<std::string>{});
}

TEST_F(TopologyE2E, NetnsBatchFailureRemovesEverythingMadeAndNamesTheNamespace) {
    std::vector<std::string> names;
    for (int i = 0; i < 9; ++i) names.push_back(ns_name(fmt::format("n{}", i)));
    try {
        create_netns_batch(names, [&](std::size_t i, const Netns& ns, NetlinkSocket&) {
            if (i == 5) write_sysctls_from_inside(ns, {{"net.ipv4.no_such_knob", "1"}});
        });
        FAIL() << "a sysctl that does not exist was written";
    } catch (const lab::sys::KernelError& e) {
        std::cout << "  error: " << e.what() << "\n";
        EXPECT_EQ(e.error_code(), ENOENT);
        EXPECT_NE(std::string(e.what()).find(names[5]), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("net.ipv4.no_such_knob"), std::string::npos) << e.what();
    }
    EXPECT_EQ(run_netns_entries(prefix_), std::vector<std::string>{});

    // A name somebody else holds: EEXIST names it, and it is neither adopted nor removed.
    Netns squatter = Netns::create(names[3]);
    try {
        create_netns_batch(names, [](std::size_t, const Netns&, NetlinkSocket&) {});
        FAIL() << "an existing namespace was adopted";
    } catch (const lab::sys::KernelError& e) {
        EXPECT_EQ(e.error_code(), EEXIST);
        EXPECT_EQ(std::string(e.what()), fmt::format("create netns {}: File exists (EEXIST)", names[3]));
    }
    EXPECT_EQ(run_netns_entries(prefix_), std::vector<std::string>{names[3]});
}

// A thousand hosts fit one bridge (at most 1024 ports) and one /22 (beyond 198.18.0.0/24): the
// last host reaches the first across the /24 boundary. About 3 s on a 2-CPU machine.
TEST_F(TopologyE2E, ThousandHostsOnOneBridgeBeyondOneSlash24) {
    constexpr int kHosts = 1000;
    TopologySpec spec;
    spec.prefix = prefix_;
    TopologySpec::Segment lan{"lan", {}};
    for (int i = 1; i <= kHosts; ++i) {
        const std::string h = fmt::format("h{}", i);
        spec.hosts.push_back({h, ns_name(h), {{"net.ipv4.tcp_syncookies", "0"}}});
        lan.ends.push_back({h, "eth0", fmt::format("198.18.{}.{}/22", i / 256, i % 256)});
    }
    spec.segments.push_back(lan);
    std::optional<Topology> topo(Topology::build(spec));
    EXPECT_EQ(run_netns_entries(prefix_).size(), kHosts + 1u);

    NetlinkSocket sw = NetlinkSocket::open_in(topo->netns_named(switch_netns_name(prefix_)));
    const LinkState bridge = get_link(sw, "br0");
    const LinkState last_port = get_link(sw, fmt::format("br0p{}", kHosts - 1));
    EXPECT_EQ(last_port.master_index, bridge.index);
    EXPECT_TRUE(last_port.oper_up);
    EXPECT_EQ(read_sysctl(topo->host_netns("h1000"), "net.ipv4.tcp_syncookies"), "0");

    Fd listener = listen_in(topo->host_netns("h1"), "198.18.0.1", 7000);
    EXPECT_EQ(connect_from(topo->host_netns("h1000"), "198.18.0.1", 7000), 0);
    EXPECT_EQ(accept_peer(listener), "198.18.3.232");
    topo.reset();
    EXPECT_EQ(run_netns_entries(prefix_), std::vector<std::string>{});
}

}  // namespace
