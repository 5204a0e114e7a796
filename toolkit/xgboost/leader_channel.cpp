#include "toolkit/xgboost/leader_channel.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "toolkit/cluster/status_socket.hpp"
#include "toolkit/errors/error.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/process/quiet_thread.hpp"
#include "toolkit/process/signal_name.hpp"
#include "toolkit/process/stop_requests.hpp"
#include "toolkit/xgboost/link.hpp"

namespace optml::xgboost {

namespace {

using Clock = std::chrono::steady_clock;

// How often the waits look for a stop request.
constexpr auto kTick = std::chrono::milliseconds(200);

[[noreturn]] void throw_cluster(const std::string& what) {
    throw errors::Error(errors::ErrorKind::Cluster, what);
}

struct Joining {
    system::UniqueFd connection;
    LineBuffer buffer;
};

}  // namespace

LeaderChannel::LeaderChannel(int port, std::vector<std::string> hosts, std::size_t self)
    : hosts_(std::move(hosts)),
      self_(self),
      port_(port),
      listener_(cluster::listen_on_every_address(port)),
      wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
    if (!listener_ || !wake_) {
        throw_cluster("cannot listen on the XGBoost status port " + std::to_string(port) +
                      " (OPTML_XGBOOST_STATUS_PORT): " + std::strerror(errno) + ".");
    }
}

LeaderChannel::~LeaderChannel() {
    {
        std::lock_guard lock(mutex_);
        if (!ended_ && !failure_) {
            fail_locked(hosts_[self_], "the leader's train ended before the job did");
        }
    }
    if (watcher_.joinable()) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(wake_.get(), &one, sizeof one);
        watcher_.join();
    }
}

std::string LeaderChannel::host_list(const std::vector<std::string>& hosts) const {
    std::string list;
    for (const std::string& host : hosts) list += (list.empty() ? "'" : ", '") + host + "'";
    return list;
}

std::vector<bool> LeaderChannel::wait_for_joins(bool self_has_data,
                                                std::chrono::milliseconds timeout) {
    std::vector<bool> has_data(hosts_.size(), false);
    std::vector<bool> joined(hosts_.size(), false);
    has_data[self_] = self_has_data;
    joined[self_] = true;
    std::size_t missing = hosts_.size() - 1;
    std::vector<Joining> joining;
    const Clock::time_point deadline = Clock::now() + timeout;
    while (missing > 0) {
        if (auto stop = process::take_stop_request()) {
            fail(hosts_[self_], "the leader's train received " + process::signal_name(*stop));
            throw errors::StopRequested(*stop, "train received " + process::signal_name(*stop) +
                                                   " while the XGBoost hosts joined.");
        }
        const Clock::time_point now = Clock::now();
        if (now >= deadline) {
            std::vector<std::string> absent;
            for (std::size_t i = 0; i < hosts_.size(); ++i) {
                if (!joined[i]) absent.push_back(hosts_[i]);
            }
            const std::string names = host_list(absent);
            fail(hosts_[self_], "host(s) " + names + " did not join");
            throw_cluster(
                "The XGBoost job's host(s) " + names + " did not join within " +
                std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                " s: their train never reached the leader's status port " + std::to_string(port_) +
                "; set OPTML_XGBOOST_JOIN_TIMEOUT to wait longer.");
        }
        std::vector<pollfd> watched{{listener_.get(), POLLIN, 0}};
        for (const Joining& candidate : joining) {
            watched.push_back({candidate.connection.get(), POLLIN, 0});
        }
        const auto wait = std::min<Clock::duration>(kTick, deadline - now);
        ::poll(watched.data(), watched.size(),
               static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(wait).count()));
        for (;;) {
            system::UniqueFd connection(
                ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
            if (!connection) break;
            cluster::keep_alive(connection.get());
            joining.push_back(Joining{std::move(connection), {}});
        }
        for (auto it = joining.begin(); it != joining.end();) {
            int error_number = 0;
            const ReadResult read = read_some(it->connection.get(), it->buffer, error_number);
            std::optional<std::string> line = it->buffer.next_line();
            if (!line) {
                const bool drop = read != ReadResult::Data || it->buffer.overflowing();
                it = drop ? joining.erase(it) : it + 1;
                continue;
            }
            const std::optional<JoinMessage> join = parse_join(parse_message(*line));
            const auto host =
                join ? std::find(hosts_.begin(), hosts_.end(), join->host) : hosts_.end();
            const std::size_t index = static_cast<std::size_t>(host - hosts_.begin());
            if (host == hosts_.end() || joined[index]) {
                logging::warn(
                    "the XGBoost status port got a connection that is not a host of "
                    "this job, or a host that joined twice; it is closed");
                it = joining.erase(it);
                continue;
            }
            joined[index] = true;
            has_data[index] = join->has_data;
            --missing;
            logging::info("host " + join->host + " joined the XGBoost job" +
                          (join->has_data ? "" : " (no data)"));
            std::lock_guard lock(mutex_);
            peers_.push_back(Peer{join->host, std::move(it->connection), std::move(it->buffer)});
            it = joining.erase(it);
        }
    }
    listener_.reset();  // every host is here: a late connection is refused, not left waiting
    return has_data;
}

void LeaderChannel::start(const std::vector<std::optional<StartMessage>>& places,
                          process::AbortRequest* local_abort) {
    std::lock_guard lock(mutex_);
    local_abort_ = local_abort;
    if (failure_ && local_abort_ != nullptr) local_abort_->request();
    for (Peer& peer : peers_) {
        const auto index = static_cast<std::size_t>(
            std::find(hosts_.begin(), hosts_.end(), peer.host) - hosts_.begin());
        const std::optional<StartMessage>& place = places[index];
        if (!place) {
            send_line(peer.connection.get(), message_line("IDLE"));
            peer.connection.reset();
            peer.done = true;
            continue;
        }
        const std::string start = std::to_string(place->rank) + " " +
                                  std::to_string(place->workers) + " " +
                                  std::to_string(place->tracker_port);
        if (!send_line(peer.connection.get(), message_line("START", start))) {
            fail_locked(peer.host, "its train went away before its program started");
        }
        peer.watched = true;
    }
    watcher_ = process::start_quiet_thread([this] { watch(); });
}

void LeaderChannel::fail(const std::string& host, const std::string& reason) {
    std::lock_guard lock(mutex_);
    fail_locked(host, reason);
}

void LeaderChannel::fail_locked(const std::string& host, const std::string& reason) {
    if (failure_ || ended_) return;
    failure_ = HostFailure{host, reason};
    logging::error("the XGBoost job failed on " + host + ": " + reason +
                   "; ending it on every host");
    for (Peer& peer : peers_) {
        if (peer.host == host || !peer.connection) continue;
        send_line(peer.connection.get(), message_line("ABORT", host + " " + reason));
    }
    if (local_abort_ != nullptr) local_abort_->request();
    changed_.notify_all();
}

void LeaderChannel::read_peer(Peer& peer) {
    int error_number = 0;
    const ReadResult read = read_some(peer.connection.get(), peer.buffer, error_number);
    while (std::optional<std::string> line = peer.buffer.next_line()) {
        const Message message = parse_message(*line);
        if (message.verb == "DONE") {
            peer.done = true;
            logging::info("the XGBoost program on " + peer.host + " succeeded");
            changed_.notify_all();
        } else if (message.verb == "FAILED") {
            peer.done = true;
            fail_locked(peer.host, message.rest);
        }
    }
    if (read == ReadResult::Data) return;
    peer.connection.reset();
    if (peer.done) return;
    fail_locked(peer.host, read == ReadResult::Closed
                               ? "its train ended without reporting how its program ended"
                               : "the connection to it was lost (" +
                                     std::string(std::strerror(error_number)) + ")");
}

void LeaderChannel::watch() noexcept {
    for (;;) {
        std::vector<pollfd> watched{{wake_.get(), POLLIN, 0}};
        std::vector<Peer*> owners{nullptr};
        {
            std::lock_guard lock(mutex_);
            for (Peer& peer : peers_) {
                if (!peer.watched || !peer.connection) continue;
                watched.push_back({peer.connection.get(), POLLIN, 0});
                owners.push_back(&peer);
            }
        }
        if (::poll(watched.data(), watched.size(), -1) < 0 && errno != EINTR) return;
        if (watched[0].revents != 0) return;
        std::lock_guard lock(mutex_);
        for (std::size_t i = 1; i < watched.size(); ++i) {
            if (watched[i].revents != 0 && owners[i]->connection) read_peer(*owners[i]);
        }
    }
}

std::optional<HostFailure> LeaderChannel::wait_for_end() {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (failure_) return failure_;
        const bool all_done =
            std::all_of(peers_.begin(), peers_.end(), [](const Peer& peer) { return peer.done; });
        if (all_done) return std::nullopt;
        changed_.wait_for(lock, kTick);
        if (auto stop = process::take_stop_request()) {
            fail_locked(hosts_[self_],
                        "the leader's train received " + process::signal_name(*stop));
            throw errors::StopRequested(*stop, "train received " + process::signal_name(*stop) +
                                                   " while the XGBoost job ran on other hosts.");
        }
    }
}

void LeaderChannel::announce_success() {
    std::lock_guard lock(mutex_);
    if (failure_) return;
    ended_ = true;
    for (Peer& peer : peers_) {
        if (peer.connection) send_line(peer.connection.get(), message_line("END"));
    }
}

}  // namespace optml::xgboost
