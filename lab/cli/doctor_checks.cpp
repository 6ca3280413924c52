#include "lab/cli/doctor_checks.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <stdexcept>

#include <fmt/format.h>

#include "common/errno_name.hpp"
#include "lab/cli/batch_task_check.hpp"
#include "lab/cli/privileges.hpp"
#include "lab/vm/accelerator.hpp"
#include "lab/vm/initramfs.hpp"
#include "lab/vm/kernel_cache.hpp"
#include "runner/host_view.hpp"
#include "runner/link.hpp"
#include "runner/netlink_socket.hpp"
#include "runner/netns.hpp"
#include "runner/qdisc_probe.hpp"
#include "sys/cgroup.hpp"
#include "sys/kernel_error.hpp"
#include "sys/process.hpp"

namespace lab::cli {
namespace {

template <typename F>
DoctorCheck attempt(std::string name, bool essential, F&& body) {
    DoctorCheck c{std::move(name), "ok", "", essential};
    try {
        c.detail = body();
    } catch (const std::exception& e) {
        c.status = "no";
        c.detail = e.what();
    }
    return c;
}

DoctorCheck tool(const std::string& name, const std::string& package, const std::string& used_for) {
    std::string path;
    try {
        path = sys::find_executable(name);
    } catch (const std::exception&) {
        return {name, "missing", fmt::format("apt-get install {} — needed for {}", package, used_for), false};
    }
    return {name, "ok", path, false};
}

// The VM path (`lab vm run`) in one line: what it would boot, under which accelerator, and what is
// missing. Reads the cache and the per-boot KVM memo; boots nothing.
DoctorCheck vm_path() {
    DoctorCheck c{"vm path", "ok", "", false};
    std::vector<std::string> missing;
    try {
        sys::find_executable("qemu-system-x86_64");
    } catch (const std::exception&) {
        missing.push_back("qemu-system-x86");
    }
    try {
        if (!vm::is_static_elf(vm::kDefaultBusybox)) missing.push_back("busybox-static (busybox is dynamic)");
    } catch (const std::exception&) {
        missing.push_back("busybox-static");
    }
    try {
        sys::find_executable("depmod");
    } catch (const std::exception&) {
        missing.push_back("kmod");
    }
    std::string kvm = vm::kvm_device_problem().value_or("");
    if (kvm.empty()) kvm = vm::remembered_kvm_probe(vm::kDefaultCacheDir).value_or("/dev/kvm creates VMs; a guest boot decides");
    std::vector<vm::KernelTree> cached = vm::KernelCache().cached_packages();
    std::string kernels;
    for (const auto& t : cached) kernels += (kernels.empty() ? "" : ", ") + t.release;
    if (!missing.empty()) {
        c.status = "missing";
        c.detail = "apt-get install";
        for (const auto& m : missing) c.detail += " " + m;
        return c;
    }
    c.detail = fmt::format("kernel cache: {}; {}", kernels.empty() ? "empty (lab vm fetch, ~70 MB)" : kernels, kvm);
    return c;
}

}  // namespace

std::vector<DoctorCheck> run_doctor_checks() {
    std::vector<DoctorCheck> out;
    utsname u{};
    ::uname(&u);
    out.push_back({"kernel", "ok", fmt::format("{} {}", u.release, u.machine), false});
    if (auto task = batch_task_check()) out.push_back(*task);
    bool root = ::geteuid() == 0;
    out.push_back({"root", root ? "ok" : "no", root ? "" : "lab run, clean and these checks need root", true});
    if (!root) return out;

    out.push_back(attempt("network namespaces", true, [] {
        runner::Netns ns = runner::Netns::create(fmt::format("lab-doctor-{}", ::getpid()));
        return "named namespaces under /run/netns (ip netns exec works on them)";
    }));
    out.push_back(attempt("veth + bridge", true, [] {
        runner::Netns ns = runner::Netns::create(fmt::format("lab-doctor-{}", ::getpid()));
        runner::NetlinkSocket sock = runner::NetlinkSocket::open_in(ns);
        runner::create_veth(sock, ns, "doc0", ns, "doc1");
        runner::create_bridge(sock, "docbr");
        return std::string("created inside a throwaway namespace");
    }));
    out.push_back(attempt("sock_diag + SNMP", true, [] {
        runner::Netns ns = runner::Netns::create(fmt::format("lab-doctor-{}", ::getpid()));
        auto view = runner::observe_host(ns);
        return fmt::format("{} sockets, {} counters in a fresh namespace", view.sockets.size(), view.counters.size());
    }));
    out.push_back(attempt("run cgroups", false, [] {
        std::string why;
        auto group = sys::RunCgroup::create(fmt::format("doctor-{}", ::getpid()), &why);
        if (!group)
            throw std::runtime_error(why + ": a run ends what its programs started only while they stay in its "
                                           "network namespaces");
        return fmt::format("cgroup v2 under {}: whatever a run starts ends with it", *sys::run_cgroups_root());
    }));
    for (const char* kind : {"netem", "tbf"}) {
        DoctorCheck c{fmt::format("qdisc {}", kind), "ok", "", false};
        try {
            runner::ProbeResult r = runner::probe_qdisc(kind);
            if (!r.works) {
                c.status = "no";
                c.detail = r.detail;
                if (std::string(kind) == "netem")
                    c.detail += " — impairments need the user-space backend here, or a VM with a stock kernel";
            } else {
                c.detail = std::string(kind) == "netem" ? "netem impairments available" : "rate limiting available";
            }
        } catch (const std::exception& e) {
            c.status = "no";
            c.detail = e.what();
        }
        out.push_back(c);
    }
    // The user-space backend (--impairments userspace, and auto where netem is missing) is lab-wire: it
    // forwards frames between two bridge-less ports with packet sockets.
    out.push_back(attempt("lab-wire", false, [] {
        const std::string wire = agent_directory() + "/lab-wire";
        if (::access(wire.c_str(), X_OK) != 0)
            throw std::runtime_error(fmt::format("{} is not built ({})", wire, errno_name(errno)));
        runner::Netns ns = runner::Netns::create(fmt::format("lab-doctor-{}", ::getpid()));
        runner::run_in_netns(ns, [] {
            int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
            if (fd < 0) sys::throw_kernel_error("open a packet socket", errno);
            ::close(fd);
        });
        return fmt::format("user-space impairment backend: {} (packet sockets work)", wire);
    }));
    bool kvm = false;
    if (int fd = ::open("/dev/kvm", O_RDWR | O_CLOEXEC); fd >= 0) {
        kvm = true;
        ::close(fd);
    }
    out.push_back({"kvm", kvm ? "opens" : "no",
                   kvm ? "/dev/kvm opens; whether a guest really runs under it is checked by the VM path"
                       : "VMs would run under TCG emulation (slow)",
                   false});
    out.push_back(tool("nc", "netcat-openbsd", "netcat scenarios"));
    out.push_back(tool("tcpdump", "tcpdump", "packet captures"));
    out.push_back(tool("ab", "apache2-utils", "the load-econnreset scenario"));
    out.push_back(tool("qemu-system-x86_64", "qemu-system-x86", "the VM path"));
    out.push_back(vm_path());
    return out;
}

}  // namespace lab::cli
