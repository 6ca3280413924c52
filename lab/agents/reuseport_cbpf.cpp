#include "lab/agents/reuseport_cbpf.hpp"

#include <cerrno>
#include <charconv>

#include <linux/filter.h>
#include <sys/socket.h>

namespace lab::agent {

std::string ReuseportSpread::text() const {
    std::string name = kind == Kind::Cpu ? "cpu" : "random";
    return modulus > 0 ? name + ":" + std::to_string(modulus) : name;
}

Parsed<ReuseportSpread> parse_reuseport_spread(std::string_view text) {
    ReuseportSpread spread;
    std::string_view name = text, count;
    if (auto colon = text.find(':'); colon != std::string_view::npos) {
        name = text.substr(0, colon);
        count = text.substr(colon + 1);
    }
    if (name == "random")
        spread.kind = ReuseportSpread::Kind::Random;
    else if (name == "cpu")
        spread.kind = ReuseportSpread::Kind::Cpu;
    else
        return ParseError{"unknown spread '" + std::string(text) + "' (expected random, cpu, random:N or cpu:N)"};
    if (text.find(':') != std::string_view::npos) {
        auto [end, ec] = std::from_chars(count.data(), count.data() + count.size(), spread.modulus);
        if (count.empty() || ec != std::errc() || end != count.data() + count.size() || spread.modulus < 1 ||
            spread.modulus > 65536)
            return ParseError{"spread '" + std::string(text) + "': the group size must be a whole number from 1 to 65536"};
    }
    return spread;
}

int attach_reuseport_spread(int fd, ReuseportSpread::Kind kind, int modulus) {
    const __u32 ancillary = kind == ReuseportSpread::Kind::Cpu ? SKF_AD_CPU : SKF_AD_RANDOM;
    sock_filter code[] = {
        {BPF_LD | BPF_W | BPF_ABS, 0, 0, static_cast<__u32>(SKF_AD_OFF + ancillary)},
        {BPF_ALU | BPF_MOD | BPF_K, 0, 0, static_cast<__u32>(modulus)},
        {BPF_RET | BPF_A, 0, 0, 0},
    };
    sock_fprog program{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
    if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &program, sizeof program) != 0) return errno;
    return 0;
}

}  // namespace lab::agent
