#pragma once
// Records a scenario's [sample] time series on a thread of its own while the timeline plays.
// Why a thread and not the timeline loop: a sample of a host with a million sockets takes about half a
// second, a run step that starts a thousand processes longer; interleaved, each would delay the other,
// and the steps' times are what the scenario is about. On its own thread a slow sample only delays the
// next sample (counted as skipped periods), never a step.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "record/sampled_series.hpp"
#include "runner/host_sample.hpp"
#include "runner/process_roster.hpp"
#include "runner/scenario.hpp"

namespace lab::runner {

class SeriesSampler {
public:
    // Starts sampling now (the first sample is at t = now - t0), then every spec.every. `hosts` and
    // `roster` must outlive the sampler.
    SeriesSampler(const SampleSpec& spec, std::vector<HostSampleRequest> hosts, const ProcessRoster& roster,
                  std::chrono::steady_clock::time_point t0);
    SeriesSampler(const SeriesSampler&) = delete;
    SeriesSampler& operator=(const SeriesSampler&) = delete;
    ~SeriesSampler();

    // Stops the thread and hands over the series, one per host in the order given. A sample that failed
    // (a host's namespace gone) ends that series; `problem` says why.
    std::vector<record::HostSeries> finish();
    const std::string& problem() const { return problem_; }

private:
    void loop();
    void stop() noexcept;

    std::chrono::steady_clock::duration every_;
    std::vector<HostSampleRequest> hosts_;
    const ProcessRoster& roster_;
    std::chrono::steady_clock::time_point t0_;
    std::vector<record::HostSeries> series_;
    std::vector<HostSampleState> states_;
    std::string problem_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace lab::runner
