#pragma once
// The pcapng blocks lab writes (draft-ietf-opsawg-pcapng), encoded in host byte order as the format allows
// (the Section Header's byte-order magic tells readers which): a Section Header, one Interface Description
// per file (its if_name is the interface's name inside its namespace, its if_description says which host
// and link; timestamps in nanoseconds), an Enhanced Packet per frame (with its direction), and an Interface
// Statistics block at the end with the kernel's received and dropped counts. Pure: bytes in a string.
#include <cstdint>
#include <string>
#include <string_view>

#include "capture/pcapng_frame.hpp"

namespace lab::capture {

inline constexpr std::uint16_t kLinktypeEthernet = 1;

struct PcapngInterface {
    std::string name;         // if_name: "lab3f2a01-e0"
    std::string description;  // if_description: "host server (lab-3f2a01-server), link lan"
    std::uint16_t linktype = kLinktypeEthernet;
    std::uint32_t snaplen = 0;
};

std::string section_header_block();
std::string interface_description_block(const PcapngInterface& interface);
std::string enhanced_packet_block(const PcapngFrame& frame);  // interface 0
// isb_starttime/isb_endtime are left out; isb_ifrecv and isb_ifdrop as the kernel counted them.
std::string interface_statistics_block(std::int64_t unix_ns, std::uint64_t received, std::uint64_t dropped);

}  // namespace lab::capture
