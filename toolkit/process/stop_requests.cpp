#include "toolkit/process/stop_requests.hpp"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "toolkit/process/os_error.hpp"
#include "toolkit/process/signal_set.hpp"

namespace optml::process {

namespace {

sigset_t forwarded_set() {
    sigset_t signals;
    sigemptyset(&signals);
    for (const int signal_number : forwarded_signals) {
        sigaddset(&signals, signal_number);
    }
    return signals;
}

// The next forwarded signal within `timeout` that is a stop request, if any.
std::optional<int> next_stop_request(std::chrono::milliseconds timeout) {
    const sigset_t signals = forwarded_set();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto remaining = std::max(deadline - std::chrono::steady_clock::now(),
                                        std::chrono::steady_clock::duration::zero());
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(remaining);
        const timespec wait{
            static_cast<std::time_t>(seconds.count()),
            static_cast<long>(std::chrono::nanoseconds(remaining - seconds).count())};
        const int signal_number = sigtimedwait(&signals, nullptr, &wait);
        if (signal_number > 0) {
            if (is_stop_signal(signal_number)) return signal_number;
            continue;  // SIGUSR1/SIGUSR2 with no program: nothing to do
        }
        if (errno == EINTR) continue;
        return std::nullopt;  // EAGAIN: the deadline passed
    }
}

}  // namespace

void keep_stop_requests_pending() {
    const sigset_t signals = forwarded_set();
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

}  // namespace optml::process
