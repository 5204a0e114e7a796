#include "toolkit/process/stop_requests.hpp"

#include <pthread.h>
#include <signal.h>

#include <cerrno>

#include "toolkit/process/os_error.hpp"
#include "toolkit/process/signal_set.hpp"

namespace optml::process {

namespace {

// The next forwarded signal within `timeout` that is a stop request, if any.
std::optional<int> next_stop_request(std::chrono::milliseconds timeout) {
    const sigset_t signals = forwarded_signal_set();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const int signal_number = wait_signal(signals, deadline);
        if (signal_number == 0) {
            if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
            continue;  // interrupted before the deadline
        }
        if (is_stop_signal(signal_number)) return signal_number;
        // SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 with no program to receive them: dropped.
    }
}

}  // namespace

void keep_stop_requests_pending() {
    const sigset_t signals = forwarded_signal_set();
    if (const int status = pthread_sigmask(SIG_BLOCK, &signals, nullptr); status != 0) {
        throw_supervision_error("cannot block signals", status);
    }
}

std::optional<int> take_stop_request() {
    return next_stop_request(std::chrono::milliseconds(0));
}

std::optional<int> wait_for_stop_request(std::chrono::milliseconds timeout) {
    return next_stop_request(timeout);
}

bool stop_request_pending() {
    sigset_t pending;
    if (sigpending(&pending) != 0) return false;
    for (const int signal_number : forwarded_signals) {
        if (is_stop_signal(signal_number) && sigismember(&pending, signal_number) == 1) return true;
    }
    return false;
}

void report_file_size_limit_as_error() {
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    if (sigaction(SIGXFSZ, &ignore, nullptr) != 0) {
        throw_supervision_error("cannot ignore SIGXFSZ", errno);
    }
}

}  // namespace optml::process
