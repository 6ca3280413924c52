#include "runner/series_sampler.hpp"

#include <exception>

namespace lab::runner {

using Clock = std::chrono::steady_clock;

SeriesSampler::SeriesSampler(const SampleSpec& spec, std::vector<HostSampleRequest> hosts, const ProcessRoster& roster,
                             Clock::time_point t0)
    : every_(std::chrono::duration_cast<Clock::duration>(spec.every)),
      hosts_(std::move(hosts)),
      roster_(roster),
      t0_(t0),
      states_(hosts_.size()) {
    for (const HostSampleRequest& h : hosts_) {
        record::HostSeries s;
        s.host = h.host;
        s.every_s = std::chrono::duration<double>(every_).count();
        s.detail = h.count_sockets ? "counts" : "none";
        series_.push_back(std::move(s));
    }
    thread_ = std::thread([this] { loop(); });
}

SeriesSampler::~SeriesSampler() { stop(); }

void SeriesSampler::stop() noexcept {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::vector<record::HostSeries> SeriesSampler::finish() {
    stop();
    return std::move(series_);
}

void SeriesSampler::loop() {
    Clock::time_point due = Clock::now();
    for (;;) {
        {
            std::unique_lock lock(mutex_);
            if (wake_.wait_until(lock, due, [this] { return stopping_; })) return;
        }
        const double t = std::chrono::duration<double>(Clock::now() - t0_).count();
        try {
            for (std::size_t i = 0; i < hosts_.size(); ++i)
                series_[i].points.push_back(read_host_sample(hosts_[i], roster_, t, states_[i]));
        } catch (const std::exception& e) {
            problem_ = std::string("sampling stopped: ") + e.what();
            return;
        }
        // A sample that outlasts its period skips the periods it overran, so samples stay on the grid.
        due += every_;
        const Clock::time_point now = Clock::now();
        while (due < now) {
            due += every_;
            for (auto& s : series_) ++s.skipped;
        }
    }
}

}  // namespace lab::runner
