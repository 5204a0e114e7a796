#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "toolkit/process/abort_request.hpp"
#include "toolkit/system/unique_fd.hpp"
#include "toolkit/xgboost/messages.hpp"

namespace optml::xgboost {

// How the job ended, as a worker host learns it from the leader.
struct LeaderWord {
    enum class Kind { Succeeded, Failed, LeaderLost };
    Kind kind = Kind::Succeeded;
    std::string host;    // Failed: where
    std::string reason;  // Failed: what happened there; LeaderLost: how the leader was lost
};

// A worker host's end of the status channel: it joins the leader, waits for its place, and a
// watcher thread then listens for the job's end; an ABORT, or a leader that went away,
// aborts the local program.
class WorkerChannel {
  public:
    // Connects to the leader (retrying until `timeout`) and joins. Throws
    // errors::Error(Cluster) when the leader never answered, errors::StopRequested on a stop.
    WorkerChannel(const std::string& leader, int port, const std::string& self, bool has_data,
                  std::chrono::milliseconds timeout, process::AbortRequest* local_abort);
    WorkerChannel(const WorkerChannel&) = delete;
    WorkerChannel& operator=(const WorkerChannel&) = delete;
    ~WorkerChannel();

    // This host's place, or nullopt when it trains nothing (no data). Throws
    // errors::Error(Cluster) when the job failed first, errors::StopRequested on a stop (the
    // leader is told).
    std::optional<StartMessage> wait_for_start();

    void report_success();
    void report_failure(const std::string& reason);

    // What the leader said or how it was lost, once known (the watcher aborted the program).
    std::optional<LeaderWord> word() const;
    // Waits for the leader's word; a stop request is reported to the leader and throws
    // errors::StopRequested.
    LeaderWord wait_for_word();

  private:
    void watch() noexcept;
    void settle(LeaderWord word);
    [[noreturn]] void throw_for(const LeaderWord& word) const;

    std::string leader_;
    system::UniqueFd connection_;
    system::UniqueFd wake_;
    LineBuffer buffer_;
    process::AbortRequest* local_abort_;

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::optional<StartMessage> start_;
    bool idle_ = false;
    std::optional<LeaderWord> word_;
    std::thread watcher_;
};

}  // namespace optml::xgboost
