#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "toolkit/process/line_filter.hpp"
#include "toolkit/process/pipe.hpp"
#include "toolkit/process/tail_buffer.hpp"

// Internal to toolkit/process: copies a pipe from the program to one of train's descriptors.
namespace optml::process {

// A thread copies every byte from the pipe to `sink` (through `filter` when there is one) and
// keeps the last bytes it wrote. Writes to the sink block as long as it blocks (backpressure
// slows the program rather than dropping output); once the sink fails (closed, EPIPE) the
// relay only drains, so the program is never stuck on a full pipe. Construct it with the
// supervised signals blocked: the thread inherits the mask.
class OutputRelay {
  public:
    // `filter`, when not null, must outlive the relay. Throws errors::Error(Supervision) when
    // the thread or its stop pipe cannot be created.
    OutputRelay(UniqueFd source, int sink, std::size_t tail_bytes, LineFilter* filter);
    ~OutputRelay();
    OutputRelay(const OutputRelay&) = delete;
    OutputRelay& operator=(const OutputRelay&) = delete;

    // Waits until `eof_deadline` at most for EOF on the pipe (a daemon that escaped the
    // program's group may hold it open forever), then stops the thread, which first copies
    // what the pipe already holds. Returns the tail.
    std::string finish(std::chrono::steady_clock::time_point eof_deadline);

  private:
    void run() noexcept;
    bool relay_available();
    void drain_buffered();
    void take(const char* data, std::size_t length);
    void take_lines(std::string_view data);
    int poll_timeout_ms() const;
    void release_held(LineFilter::Clock::time_point cutoff);
    void emit(const char* data, std::size_t length);
    void stop_and_join();

    UniqueFd source_;
    const int sink_;
    LineFilter* const filter_;
    UniqueFd stop_read_;
    UniqueFd stop_write_;  // closed to stop the thread
    TailBuffer tail_;
    std::vector<char> buffer_;
    bool sink_failed_ = false;
    std::string partial_line_;  // with a filter: the start of a line whose end has not come
    LineFilter::Clock::time_point partial_since_;
    std::string filtered_;  // with a filter: what it made of the last read

    std::mutex mutex_;
    std::condition_variable finished_changed_;
    bool finished_ = false;

    std::thread thread_;  // last: starts once everything it uses exists
};

}  // namespace optml::process
