#include "toolkit/xgboost/tracker.hpp"

#include <unistd.h>

#include <charconv>

#include "toolkit/errors/error.hpp"
#include "toolkit/logging/log.hpp"
#include "toolkit/process/signal_name.hpp"
#include "toolkit/process/stop_requests.hpp"

namespace optml::xgboost {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::string_view kTag = "[xgboost tracker] ";
constexpr auto kTick = std::chrono::milliseconds(100);

// The last line of `text` that says something.
std::string last_line(const std::string& text) {
    std::size_t end = text.find_last_not_of(" \n\r\t");
    if (end == std::string::npos) return "";
    const std::size_t start = text.rfind('\n', end);
    return text.substr(start == std::string::npos ? 0 : start + 1,
                       end + 1 - (start == std::string::npos ? 0 : start + 1));
}

}  // namespace

void TrackerOutput::rewrite(std::string_view line, std::string& out) {
    if (watch_for_port_ && at_line_start_ && line.starts_with(kTrackerListening) &&
        line.ends_with('\n')) {
        std::string_view number = line.substr(kTrackerListening.size());
        while (!number.empty() && (number.front() == ' ')) number.remove_prefix(1);
        number.remove_suffix(1);
        int port = 0;
        const auto [end, error] =
            std::from_chars(number.data(), number.data() + number.size(), port);
        if (error == std::errc() && end == number.data() + number.size()) {
            std::lock_guard lock(mutex_);
            port_ = port;
            listening_.notify_all();
            return;
        }
    }
    if (at_line_start_) out += kTag;
    out += line;
    at_line_start_ = line.ends_with('\n');
}

std::optional<int> TrackerOutput::wait_for_port(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    listening_.wait_for(lock, timeout, [this] { return port_.has_value(); });
    return port_;
}

Tracker::Tracker(const process::Command& command)
    : helper_(command, process::HelperStreams{&stdout_filter_, &stderr_filter_, true}) {
    logging::info("started XGBoost's tracker");
}

int Tracker::start(std::size_t workers, std::chrono::milliseconds timeout) {
    const std::string count = std::to_string(workers) + "\n";
    [[maybe_unused]] const auto written = ::write(helper_.input(), count.data(), count.size());
    const Clock::time_point deadline = Clock::now() + timeout;
    for (;;) {
        if (const std::optional<int> port = stdout_filter_.wait_for_port(kTick)) {
            logging::info("XGBoost's tracker listens on port " + std::to_string(*port) + " for " +
                          std::to_string(workers) + " workers");
            return *port;
        }
        if (!helper_.running()) {
            helper_.stop(std::chrono::milliseconds(0));
            const std::string why = last_line(helper_.stderr_tail());
            throw errors::Error(errors::ErrorKind::Cluster,
                                "XGBoost's tracker exited before it listened" +
                                    (why.empty() ? std::string(".") : ": " + why));
        }
        if (auto stop = process::take_stop_request()) {
            throw errors::StopRequested(*stop, "train received " + process::signal_name(*stop) +
                                                   " while XGBoost's tracker started.");
        }
        if (Clock::now() >= deadline) {
            throw errors::Error(
                errors::ErrorKind::Cluster,
                "XGBoost's tracker did not listen within " +
                    std::to_string(
                        std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
                    " s (OPTML_XGBOOST_JOIN_TIMEOUT).");
        }
    }
}

void Tracker::stop(std::chrono::milliseconds grace) {
    helper_.stop(grace);
}

}  // namespace optml::xgboost
