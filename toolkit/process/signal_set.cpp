#include "toolkit/process/signal_set.hpp"

#include <pthread.h>

#include <algorithm>
#include <cerrno>
#include <ctime>

#include "toolkit/process/os_error.hpp"

namespace optml::process {

bool is_stop_signal(int signal_number) {
    return signal_number == SIGTERM || signal_number == SIGINT;
}

sigset_t forwarded_signal_set() {
    sigset_t signals;
    sigemptyset(&signals);
    for (const int signal_number : forwarded_signals) {
        sigaddset(&signals, signal_number);
    }
    return signals;
}

sigset_t supervised_signals() {
    sigset_t signals = forwarded_signal_set();
    sigaddset(&signals, SIGCHLD);
    return signals;
}

int wait_signal(const sigset_t& signals, std::chrono::steady_clock::time_point deadline) {
    using Clock = std::chrono::steady_clock;
    const auto remaining = std::max(deadline - Clock::now(), Clock::duration::zero());
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(remaining);
    const timespec timeout{
        static_cast<std::time_t>(seconds.count()),
        static_cast<long>(std::chrono::nanoseconds(remaining - seconds).count())};
    const int signal_number = sigtimedwait(&signals, nullptr, &timeout);
    if (signal_number > 0) {
        return signal_number;
    }
    if (errno == EAGAIN || errno == EINTR) {
        return 0;
    }
    throw_supervision_error("cannot wait for signals", errno);
}

SignalBlock::SignalBlock() : signals_(supervised_signals()) {
    // pthread_sigmask reports failure as its return value, not through errno.
    if (const int status = pthread_sigmask(SIG_BLOCK, &signals_, &previous_mask_); status != 0) {
        throw_supervision_error("cannot block signals", status);
    }
    child_mask_ = previous_mask_;
    for (const int signal_number : forwarded_signals) {
        sigdelset(&child_mask_, signal_number);
    }
    sigdelset(&child_mask_, SIGCHLD);
}

sigset_t SignalBlock::unwanted_after_run() const {
    sigset_t unwanted = signals_;
    for (const int signal_number : forwarded_signals) {
        if (sigismember(&previous_mask_, signal_number) == 1) {
            sigdelset(&unwanted, signal_number);
        }
    }
    return unwanted;
}

SignalBlock::~SignalBlock() {
    pthread_sigmask(SIG_SETMASK, &previous_mask_, nullptr);
}

WaitableChildren::WaitableChildren() {
    if (sigaction(SIGCHLD, nullptr, &previous_) != 0) {
        return;
    }
    if (previous_.sa_handler == SIG_IGN || (previous_.sa_flags & SA_NOCLDWAIT) != 0) {
        struct sigaction default_action = {};
        default_action.sa_handler = SIG_DFL;
        sigemptyset(&default_action.sa_mask);
        changed_ = sigaction(SIGCHLD, &default_action, nullptr) == 0;
    }
}

WaitableChildren::~WaitableChildren() {
    if (changed_) {
        sigaction(SIGCHLD, &previous_, nullptr);
    }
}

}  // namespace optml::process
