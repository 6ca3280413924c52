#include "lab/wire/wire_link.hpp"

#include <array>
#include <memory>
#include <random>

#include <sys/prctl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "sys/epoll.hpp"
#include "sys/termination_signals.hpp"
#include "lab/wire/control_command.hpp"
#include "lab/wire/control_socket.hpp"
#include "lab/wire/packet_socket.hpp"
#include "lab/wire/shaper.hpp"
#include "lab/wire/vnet_frame.hpp"
#include "lab/wire/wire_report.hpp"

namespace lab::wire {
namespace {

constexpr std::uint64_t key_a = 0, key_b = 1, key_control = 2, key_signals = 3;
constexpr std::size_t batch = 64;
// Batches read from one socket per wake-up before due frames are sent again: bounds how long a
// flood in one direction can hold back departures in the other.
constexpr int batches_per_wake = 4;
// The largest frame a veth hands over: a 64 KB GSO super-frame plus its vnet and Ethernet headers.
constexpr std::size_t slot_bytes = 65536 + 1024;
// Waits shorter than this are not slept: a wake-up takes longer than that anyway.
constexpr std::int64_t no_sleep_below_ns = 20'000;

void write_line(int fd, const nlohmann::ordered_json& j) {
    std::string line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    const char* p = line.data();
    std::size_t left = line.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n <= 0) return;  // a closed stdout must not stop the wire
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

class WireLink final : public ControlTarget {
public:
    WireLink(const WireOptions& options, std::uint64_t seed, int out_fd)
        : out_fd_(out_fd),
          ends_{PacketSocket(options.a), PacketSocket(options.b)},
          shapers_{Shaper(clock_, seed, options.a2b), Shaper(clock_, seed ^ 0x9e3779b97f4a7c15ull, options.b2a)} {
        if (!options.control.empty()) control_ = std::make_unique<ControlSocket>(options.control);
        stats_interval_ns_ = options.stats_interval ? options.stats_interval->count() : 0;
        for (auto& s : slots_) s.buffer.resize(slot_bytes);
    }

    const shaping::Impairment& impairment(shaping::Direction d) const override { return shaper(d).impairment(); }

    void set_impairment(shaping::Direction d, const shaping::Impairment& impairment) override { shaper(d).set_impairment(impairment); }

    nlohmann::ordered_json stats() const override {
        nlohmann::ordered_json j;
        for (shaping::Direction d : shaping::both_directions) j[std::string(shaping::direction_name(d))] = direction_report(shaper(d));
        j["truncated"] = truncated_;
        return j;
    }

    int run() {
        sys::TerminationSignals signals;
        sys::Epoll epoll;
        epoll.add(ends_[0].fd(), EPOLLIN, key_a);
        epoll.add(ends_[1].fd(), EPOLLIN, key_b);
        epoll.add(signals.fd(), EPOLLIN, key_signals);
        if (control_) epoll.add(control_->fd(), EPOLLIN, key_control);

        std::int64_t next_stats = stats_interval_ns_ ? clock_.now_ns() + stats_interval_ns_ : 0;
        std::array<epoll_event, 8> ready{};
        while (true) {
            release_due(shaping::Direction::AtoB);
            release_due(shaping::Direction::BtoA);

            const std::int64_t now = clock_.now_ns();
            if (next_stats && now >= next_stats) {
                write_reports("stats");
                next_stats += stats_interval_ns_;
                if (next_stats <= now) next_stats = now + stats_interval_ns_;
            }
            std::optional<std::int64_t> wake;
            for (shaping::Direction d : shaping::both_directions)
                if (auto due = shaper(d).next_due()) wake = wake ? std::min(*wake, *due) : *due;
            if (next_stats) wake = wake ? std::min(*wake, next_stats) : next_stats;
            std::optional<std::int64_t> timeout;
            if (wake) timeout = *wake - now < no_sleep_below_ns ? 0 : *wake - now;

            const int n = epoll.wait(ready, timeout);
            for (int i = 0; i < n; ++i) {
                const std::uint64_t key = ready[static_cast<std::size_t>(i)].data.u64;
                if (key == key_a) pump(shaping::Direction::AtoB, ready[static_cast<std::size_t>(i)].events);
                else if (key == key_b) pump(shaping::Direction::BtoA, ready[static_cast<std::size_t>(i)].events);
                else if (key == key_control) serve_control();
                else if (key == key_signals && signals.take() != 0) {
                    write_reports("summary");
                    return 0;
                }
            }
        }
    }

    void write_start(std::uint64_t seed, const WireOptions& options) {
        nlohmann::ordered_json j;
        j["type"] = "start";
        j["time_ns"] = clock_.now_ns();
        j["a"] = options.a;
        j["b"] = options.b;
        j["a2b"] = shaping::format_impairment(options.a2b);
        j["b2a"] = shaping::format_impairment(options.b2a);
        j["seed"] = seed;
        j["control"] = options.control.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(options.control);
        write_line(out_fd_, j);
    }

private:
    Shaper& shaper(shaping::Direction d) { return shapers_[static_cast<std::size_t>(d)]; }
    const Shaper& shaper(shaping::Direction d) const { return shapers_[static_cast<std::size_t>(d)]; }
    PacketSocket& source(shaping::Direction d) { return ends_[d == shaping::Direction::AtoB ? 0 : 1]; }
    PacketSocket& sink(shaping::Direction d) { return ends_[d == shaping::Direction::AtoB ? 1 : 0]; }

    void pump(shaping::Direction d, std::uint32_t events) {
        if (events & EPOLLERR) source(d).take_error();  // ENETDOWN when the link went down: keep going
        Shaper& s = shaper(d);
        for (int round = 0; round < batches_per_wake; ++round) {
            const std::size_t n = source(d).receive(slots_, truncated_);
            for (std::size_t i = 0; i < n; ++i) {
                const auto& slot = slots_[i];
                Frame frame;
                frame.bytes.assign(slot.buffer.begin(), slot.buffer.begin() + static_cast<std::ptrdiff_t>(slot.size));
                frame.wire_bytes = vnet_wire_bytes(frame.bytes);
                s.offer(std::move(frame));
            }
            // Frames with no delay leave before the next batch is read: lower latency and fewer held.
            release_due(d);
            if (n < batch) break;
        }
    }

    void release_due(shaping::Direction d) {
        Shaper& s = shaper(d);
        PacketSocket& out = sink(d);
        while (true) {
            pending_.clear();
            while (pending_.size() < batch) {
                auto departure = s.pop_due();
                if (!departure) break;
                if (departure->corrupt && !corrupt_vnet_frame(departure->frame.bytes, departure->corrupt_pick)) {
                    // A GSO super-frame cannot be corrupted in a way the receiver would notice (its
                    // segments' checksums are computed after us): it is lost instead, as the
                    // receiver would drop the damaged segment.
                    s.record_send_error();
                    continue;
                }
                pending_.push_back(std::move(*departure));
            }
            if (pending_.empty()) return;
            frames_.clear();
            for (const auto& p : pending_) frames_.emplace_back(p.frame.bytes);
            results_.resize(pending_.size());
            const std::int64_t now = clock_.now_ns();
            out.send_batch(frames_, results_);
            for (std::size_t i = 0; i < pending_.size(); ++i) {
                if (results_[i] != 0) s.record_send_error();
                else s.record_sent(pending_[i], now);
            }
            if (pending_.size() < batch) return;
        }
    }

    void serve_control() {
        while (auto request = control_->receive()) {
            nlohmann::ordered_json reply = handle_control_request(request->text, *this);
            control_->reply(*request, reply.dump());
            nlohmann::ordered_json j;
            j["type"] = "control";
            j["time_ns"] = clock_.now_ns();
            nlohmann::json parsed = nlohmann::json::parse(request->text, nullptr, false);
            if (parsed.is_discarded()) j["request"] = request->text;
            else j["request"] = parsed;
            j["reply"] = reply;
            if (!parsed.is_discarded() && parsed.is_object() && parsed.contains("get")) continue;  // reads are not events
            write_line(out_fd_, j);
        }
    }

    void write_reports(const char* type) {
        for (shaping::Direction d : shaping::both_directions) {
            nlohmann::ordered_json j;
            j["type"] = type;
            j["time_ns"] = clock_.now_ns();
            j["direction"] = shaping::direction_name(d);
            const nlohmann::ordered_json report = direction_report(shaper(d));
            for (auto it = report.begin(); it != report.end(); ++it) j[it.key()] = it.value();
            j["truncated"] = truncated_;
            write_line(out_fd_, j);
        }
    }

    MonotonicClock clock_;
    int out_fd_;
    std::array<PacketSocket, 2> ends_;
    std::array<Shaper, 2> shapers_;
    std::unique_ptr<ControlSocket> control_;
    std::int64_t stats_interval_ns_ = 0;
    std::array<PacketSocket::Slot, batch> slots_;
    std::uint64_t truncated_ = 0;
    std::vector<Departure> pending_;  // one sendmmsg's worth, reused
    std::vector<std::span<const std::uint8_t>> frames_;
    std::vector<int> results_;
};

}  // namespace

int run_wire(const WireOptions& options, int out_fd) {
    // epoll timeouts are hrtimers with the thread's timer slack (50 us by default) added; the
    // wire's departures want them to the microsecond.
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    const std::uint64_t seed = options.seed_given ? options.seed : std::random_device{}();
    WireLink link(options, seed, out_fd);
    link.write_start(seed, options);
    return link.run();
}

}  // namespace lab::wire
