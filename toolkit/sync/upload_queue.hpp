#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace optml::sync::detail {

// Relative paths waiting for upload. A path is queued once however many events name it, and
// a path named again while it is being uploaded is uploaded once more afterwards, never by
// two workers at the same time (two concurrent PUTs could leave the older bytes in S3).
class UploadQueue {
  public:
    void push(const std::string& path);
    // Next path to upload; nullopt once close() was called and nothing is left.
    std::optional<std::string> pop();
    void done(const std::string& path);
    void close();
    // True when closed, empty and nothing in flight before the deadline.
    bool wait_drained(std::chrono::steady_clock::time_point deadline);
    std::size_t outstanding() const;  // queued + in flight
    // Closes and forgets everything not yet started; returns how many paths that dropped
    // (paths only named again while in flight are not counted: their upload is running).
    std::size_t abandon();

  private:
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::string> order_;
    std::set<std::string> queued_;
    std::set<std::string> in_flight_;
    std::set<std::string> again_;  // named again while in flight
    bool closed_ = false;
};

}  // namespace optml::sync::detail
