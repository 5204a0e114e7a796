#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "toolkit/process/abort_request.hpp"
#include "toolkit/system/unique_fd.hpp"
#include "toolkit/xgboost/messages.hpp"

namespace optml::xgboost {

struct HostFailure {
    std::string host;
    std::string reason;
};

// The leader's end of the status channel. It listens before anything else, so workers can
// join whenever their train gets there; once every host joined it tells each its place, and
// from then on a watcher thread reads the workers' reports. The first failure anywhere (a
// program's non-zero exit, a train that went away, a connection lost) is sent to every other
// host at once and aborts the leader's own program: the job ends on every host within seconds.
class LeaderChannel {
  public:
    // Throws errors::Error(Cluster) when it cannot listen on `port`.
    LeaderChannel(int port, std::vector<std::string> hosts, std::size_t self);
    LeaderChannel(const LeaderChannel&) = delete;
    LeaderChannel& operator=(const LeaderChannel&) = delete;
    // A leader that ends before the job did (an error, a stop) fails it on every host.
    ~LeaderChannel();

    // Whether each host's data channel has files (host order), once every host joined.
    // Throws errors::Error(Cluster) naming the hosts that did not join within `timeout`,
    // errors::StopRequested on a stop; the hosts that did join learn the job failed.
    std::vector<bool> wait_for_joins(bool self_has_data, std::chrono::milliseconds timeout);

    // Sends every other host its place (nullopt: it has no data and trains nothing) and starts
    // watching the ones that train. A failure from now on aborts `local_abort`'s program.
    void start(const std::vector<std::optional<StartMessage>>& places,
               process::AbortRequest* local_abort);

    // Records a failure (the first one wins) and tells every other host.
    void fail(const std::string& host, const std::string& reason);

    // Waits until every other training host reported success, or a failure is known (then
    // returned). A stop request fails the job on every host and throws errors::StopRequested.
    std::optional<HostFailure> wait_for_end();

    // Tells every host that the job succeeded.
    void announce_success();

  private:
    struct Peer {
        std::string host;
        system::UniqueFd connection;
        LineBuffer buffer;
        bool done = false;     // DONE or FAILED came: its end of the connection may close
        bool watched = false;  // it trains: the watcher reads it
    };

    void watch() noexcept;
    void read_peer(Peer& peer);
    void fail_locked(const std::string& host, const std::string& reason);
    std::string host_list(const std::vector<std::string>& hosts) const;

    std::vector<std::string> hosts_;
    std::size_t self_;
    int port_;
    system::UniqueFd listener_;
    system::UniqueFd wake_;  // an eventfd: the watcher stops when it is written

    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Peer> peers_;
    std::optional<HostFailure> failure_;
    process::AbortRequest* local_abort_ = nullptr;
    bool ended_ = false;
    std::thread watcher_;
};

}  // namespace optml::xgboost
