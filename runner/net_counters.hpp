#pragma once
// A namespace's SNMP counters (/proc/net/netstat and /proc/net/snmp), the kernel's running tally of what it
// dropped, refused and retried; a scenario reads them as the difference between two moments.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace lab::runner {

// "TcpExt.ListenOverflows", "Tcp.ActiveOpens", "Udp.RcvbufErrors", "IpExt.InOctets", ... Signed, because
// Tcp.MaxConn is -1.
using CounterMap = std::map<std::string, std::int64_t>;

// The counters of the CALLING THREAD's network namespace. /proc/net follows the main thread's namespace, not
// the caller's, so this reads /proc/thread-self/net. Throws sys::KernelError naming the file and the errno,
// or std::invalid_argument if a file does not parse.
CounterMap read_net_counters();

// Parses the "Section: Name Name ..." / "Section: value value ..." line pairs both files are made of.
// Throws std::invalid_argument naming the line when a pair does not match.
CounterMap parse_counter_text(std::string_view text);

// after - before for every counter in either map; a counter missing on one side counts as 0 there (sections
// such as IcmpMsg appear only once something was counted in them).
CounterMap counter_delta(const CounterMap& before, const CounterMap& after);

}  // namespace lab::runner
