#pragma once
// One link end's packet capture: an AF_PACKET socket opened inside the host's namespace and bound to its
// interface, and a thread that writes every frame it reads into a pcapng file in the run directory —
// lab's own capture, no tcpdump process. Built before the first step and finished after the last process
// is stopped, so a capture holds the whole run; the destructor finishes it on every other path (the
// thread is always joined). A `capture` step pauses and resumes writing without closing the socket.
#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "record/run_record.hpp"
#include "runner/netns.hpp"
#include "runner/scenario.hpp"
#include "sys/directory.hpp"
#include "sys/unique_fd.hpp"

namespace lab::runner {

struct CaptureTarget {
    std::string link;
    std::string host;
    std::string interface;
    std::string file_name;  // inside `directory`: "lan.server.pcapng"
    std::string file;       // relative to the run directory, for the record: "captures/lan.server.pcapng"
    std::int64_t timeline_zero_unix_ns = 0;
};

class LinkCapture {
public:
    // Throws KernelError (naming the interface and namespace) when the socket or the file cannot be made.
    LinkCapture(const Netns& ns, const CaptureTarget& target, const CaptureSpec& spec, const sys::Directory& directory);
    LinkCapture(const LinkCapture&) = delete;
    LinkCapture& operator=(const LinkCapture&) = delete;
    ~LinkCapture();

    void set_recording(bool on) { recording_.store(on); }
    // The frames sent and received up to now are read and written, the thread is joined, the file ends
    // with the kernel's counts. Idempotent.
    void finish() noexcept;
    // What the record says about this file (complete once finish() has run).
    record::CaptureFile result() const { return result_; }
    // Stamps the timeline's t = 0 (real time) once the timeline's clock starts.
    void set_timeline_zero(std::int64_t unix_ns) { result_.timeline_zero_unix_ns = unix_ns; }

private:
    void read_frames();
    bool read_one(bool wait);  // false when there was nothing to read (or an error ended the capture)
    void write(const std::string& bytes);

    record::CaptureFile result_;
    sys::UniqueFd socket_;
    sys::UniqueFd file_;
    sys::UniqueFd stop_event_;  // eventfd: the thread wakes, drains the socket and ends
    std::string buffer_;        // snaplen bytes
    std::uint64_t file_bytes_ = 0;
    std::atomic<bool> recording_{true};
    bool failed_ = false;
    std::thread thread_;
};

}  // namespace lab::runner
