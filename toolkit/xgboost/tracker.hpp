#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>

#include "toolkit/process/command.hpp"
#include "toolkit/process/helper_process.hpp"
#include "toolkit/process/line_filter.hpp"

namespace optml::xgboost {

// The line the tracker bootstrap prints once it listens: "<marker> <port>".
inline constexpr std::string_view kTrackerListening = "optml-xgboost-tracker-listening";

// Puts "[xgboost tracker] " before each of the tracker's lines on their way to the job log,
// and takes the bootstrap's "listening" line out, keeping its port for train.
class TrackerOutput : public process::LineFilter {
  public:
    explicit TrackerOutput(bool watch_for_port) : watch_for_port_(watch_for_port) {}
    void rewrite(std::string_view line, std::string& out) override;

    // The port once the tracker listens, waiting up to `timeout`.
    std::optional<int> wait_for_port(std::chrono::milliseconds timeout);

  private:
    const bool watch_for_port_;
    bool at_line_start_ = true;
    std::mutex mutex_;
    std::condition_variable listening_;
    std::optional<int> port_;
};

// XGBoost's tracker, run by the leader as a helper with the job's interpreter: it listens at
// once and imports XGBoost while the hosts join; it learns the number of workers on stdin.
// Its output goes to the job log with a tag. It is stopped when the job ends.
class Tracker {
  public:
    explicit Tracker(const process::Command& command);
    Tracker(const Tracker&) = delete;
    Tracker& operator=(const Tracker&) = delete;

    // Tells it how many workers come, then waits until it listens: the port. Throws
    // errors::Error(Cluster) with the tracker's last error line when it exited first or did
    // not listen within `timeout`, errors::StopRequested on a stop.
    int start(std::size_t workers, std::chrono::milliseconds timeout);

    void stop(std::chrono::milliseconds grace);

  private:
    TrackerOutput stdout_filter_{true};
    TrackerOutput stderr_filter_{false};
    process::HelperProcess helper_;
};

}  // namespace optml::xgboost
