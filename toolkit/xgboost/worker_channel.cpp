#include "toolkit/xgboost/worker_channel.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "toolkit/cluster/port_wait.hpp"
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
constexpr auto kTick = std::chrono::milliseconds(200);
constexpr auto kConnectInterval = std::chrono::milliseconds(100);

}  // namespace

WorkerChannel::WorkerChannel(const std::string& leader, int port, const std::string& self,
                             bool has_data, std::chrono::milliseconds timeout,
                             process::AbortRequest* local_abort)
    : leader_(leader), wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)), local_abort_(local_abort) {
    const Clock::time_point deadline = Clock::now() + timeout;
    bool announced = false;
    for (;;) {
        connection_ = cluster::connect_with_timeout(leader, port, kConnectInterval * 10);
        if (connection_) break;
        if (Clock::now() >= deadline) {
            throw errors::Error(
                errors::ErrorKind::Cluster,
                "The XGBoost leader '" + leader + "' did not open its status port " +
                    std::to_string(port) + " within " +
                    std::to_string(
                        std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                    " s; set OPTML_XGBOOST_JOIN_TIMEOUT to wait longer.");
        }
        if (!announced) {
            logging::info("waiting for the XGBoost leader " + leader);
            announced = true;
        }
        if (auto stop = process::wait_for_stop_request(kConnectInterval)) {
            throw errors::StopRequested(*stop, "train received " + process::signal_name(*stop) +
                                                   " while waiting for the XGBoost leader '" +
                                                   leader + "'.");
        }
    }
    cluster::keep_alive(connection_.get());
    if (!send_line(connection_.get(), message_line("JOIN", self + (has_data ? " 1" : " 0")))) {
        throw errors::Error(errors::ErrorKind::Cluster,
                            "The XGBoost leader '" + leader + "' closed the connection at once.");
    }
    logging::info("joined the XGBoost leader " + leader);
    watcher_ = process::start_quiet_thread([this] { watch(); });
}

WorkerChannel::~WorkerChannel() {
    if (watcher_.joinable()) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(wake_.get(), &one, sizeof one);
        watcher_.join();
    }
}

void WorkerChannel::settle(LeaderWord word) {
    if (word_) return;
    word_ = std::move(word);
    if (word_->kind != LeaderWord::Kind::Succeeded && local_abort_ != nullptr) {
        local_abort_->request();
    }
    changed_.notify_all();
}

void WorkerChannel::watch() noexcept {
    for (;;) {
        pollfd watched[] = {{wake_.get(), POLLIN, 0}, {connection_.get(), POLLIN, 0}};
        if (::poll(watched, 2, -1) < 0 && errno != EINTR) return;
        if (watched[0].revents != 0) return;
        if (watched[1].revents == 0) continue;
        int error_number = 0;
        const ReadResult read = read_some(connection_.get(), buffer_, error_number);
        std::lock_guard lock(mutex_);
        while (std::optional<std::string> line = buffer_.next_line()) {
            const Message message = parse_message(*line);
            if (message.verb == "START") {
                start_ = parse_start(message);
                if (!start_)
                    settle({LeaderWord::Kind::LeaderLost, "", "it sent a malformed START"});
            } else if (message.verb == "IDLE") {
                idle_ = true;
            } else if (message.verb == "END") {
                settle({LeaderWord::Kind::Succeeded, "", ""});
            } else if (message.verb == "ABORT") {
                const AbortMessage abort = parse_abort(message);
                settle({LeaderWord::Kind::Failed, abort.host, abort.reason});
            }
            changed_.notify_all();
        }
        if (read == ReadResult::Data) continue;
        if (!idle_) {
            settle({LeaderWord::Kind::LeaderLost, "",
                    read == ReadResult::Closed
                        ? "the leader's train ended"
                        : "the connection to the leader was lost (" +
                              std::string(std::strerror(error_number)) + ")"});
        }
        changed_.notify_all();
        return;
    }
}

void WorkerChannel::throw_for(const LeaderWord& word) const {
    if (word.kind == LeaderWord::Kind::Failed) {
        throw errors::Error(errors::ErrorKind::Cluster,
                            "The XGBoost job failed on host '" + word.host + "': " + word.reason +
                                ". That host's output/failure holds its error.");
    }
    throw errors::Error(errors::ErrorKind::Cluster,
                        "The XGBoost job ended: " + word.reason + " (leader '" + leader_ + "').");
}

std::optional<StartMessage> WorkerChannel::wait_for_start() {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (start_) return start_;
        if (idle_) return std::nullopt;
        if (word_) throw_for(*word_);
        changed_.wait_for(lock, kTick);
        if (auto stop = process::take_stop_request()) {
            send_line(connection_.get(),
                      message_line("FAILED", "its train received " + process::signal_name(*stop)));
            throw errors::StopRequested(*stop, "train received " + process::signal_name(*stop) +
                                                   " while waiting for the XGBoost job to start.");
        }
    }
}

void WorkerChannel::report_success() {
    send_line(connection_.get(), message_line("DONE"));
}

void WorkerChannel::report_failure(const std::string& reason) {
    send_line(connection_.get(), message_line("FAILED", reason));
}

std::optional<LeaderWord> WorkerChannel::word() const {
    std::lock_guard lock(mutex_);
    return word_;
}

LeaderWord WorkerChannel::wait_for_word() {
    std::unique_lock lock(mutex_);
    for (;;) {
        if (word_) return *word_;
        changed_.wait_for(lock, kTick);
        if (auto stop = process::take_stop_request()) {
            send_line(connection_.get(),
                      message_line("FAILED", "its train received " + process::signal_name(*stop)));
            throw errors::StopRequested(*stop, "train received " + process::signal_name(*stop) +
                                                   " while the XGBoost job ran on other hosts.");
        }
    }
}

}  // namespace optml::xgboost
