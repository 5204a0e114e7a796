#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "toolkit/process/tail_buffer.hpp"
#include "toolkit/process/unique_fd.hpp"

// Internal to toolkit/process: copies the program's stderr pipe to train's fd 2.
namespace optml::process {

// A thread copies every byte from the pipe to fd 2 and keeps the last bytes. Writes to fd 2
// block as long as fd 2 blocks (backpressure slows the program rather than dropping output);
// once fd 2 fails (closed, EPIPE) the relay only drains, so the program is never stuck on a
// full pipe. Construct it with the supervised signals blocked: the thread inherits the mask.
class StderrRelay {
  public:
    // Throws errors::Error(Supervision) when the thread or its stop pipe cannot be created.
    StderrRelay(UniqueFd source, std::size_t tail_bytes);
    ~StderrRelay();
    StderrRelay(const StderrRelay&) = delete;
    StderrRelay& operator=(const StderrRelay&) = delete;

    // Waits at most `eof_timeout` for EOF on the pipe (a daemon that escaped the program's
    // group may hold it open forever), then stops the thread, which first copies what the
    // pipe already holds. Returns the tail.
    std::string finish(std::chrono::milliseconds eof_timeout);

  private:
    void run() noexcept;
    bool relay_available();
    void drain_buffered();
    void take(const char* data, std::size_t length);
    void stop_and_join();

    UniqueFd source_;
    UniqueFd stop_read_;
    UniqueFd stop_write_;  // closed to stop the thread
    TailBuffer tail_;
    std::vector<char> buffer_;
    bool sink_failed_ = false;

    std::mutex mutex_;
    std::condition_variable finished_changed_;
    bool finished_ = false;

    std::thread thread_;  // last: starts once everything it uses exists
};

}  // namespace optml::process
