#pragma once

#include <signal.h>

#include <array>
#include <chrono>

// Internal to toolkit/process: which signals the supervisor owns, and blocking them.
namespace optml::process {

// What train passes on to the program's process group as soon as it receives it.
inline constexpr std::array<int, 6> forwarded_signals = {SIGTERM, SIGINT,  SIGHUP,
                                                         SIGQUIT, SIGUSR1, SIGUSR2};

// Reset to SIG_DFL in the child before exec: exec keeps SIG_IGN, and the program must not
// inherit whatever train ignores. SIGPIPE and SIGXFSZ are added because Python's subprocess
// (what the reference toolkit uses) restores them too.
inline constexpr std::array<int, 9> child_default_signals = {
    SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD, SIGPIPE, SIGXFSZ};

// A request to end the program (recorded as Outcome::forwarded_stop_signal), after which it
// gets options.stop_timeout before SIGKILL: SIGTERM (how the platform stops a job) and SIGINT.
// SIGHUP and SIGQUIT are only forwarded: programs often handle those without exiting.
bool is_stop_signal(int signal_number);

// forwarded_signals plus SIGCHLD: everything the supervisor's loop waits for.
sigset_t supervised_signals();

// forwarded_signals alone: what train keeps blocked between programs.
sigset_t forwarded_signal_set();

// One of `signals` (blocked by the caller), or 0 once `deadline` passed (or a handled signal
// interrupted the wait). Throws errors::Error(Supervision) when sigtimedwait itself fails.
int wait_signal(const sigset_t& signals, std::chrono::steady_clock::time_point deadline);

// Blocks the supervised signals in the calling thread for its lifetime, so they queue up for
// sigtimedwait instead of running train's dispositions; threads started meanwhile inherit
// the block. The previous mask comes back on destruction.
class SignalBlock {
  public:
    SignalBlock();
    ~SignalBlock();
    SignalBlock(const SignalBlock&) = delete;
    SignalBlock& operator=(const SignalBlock&) = delete;

    const sigset_t& signals() const { return signals_; }
    // The mask the program starts with: train's previous mask without the supervised signals,
    // which the program must be able to receive even if train kept them blocked for itself.
    const sigset_t& child_mask() const { return child_mask_; }
    // The supervised signals that train itself does not keep blocked: those that arrive
    // after the program's group is gone are dropped before the mask comes back, the others
    // stay pending for train (see stop_requests.hpp).
    sigset_t unwanted_after_run() const;

  private:
    sigset_t signals_;
    sigset_t previous_mask_;
    sigset_t child_mask_;
};

// Keeps exited children waitable while it lives: with SIGCHLD ignored (or SA_NOCLDWAIT) the
// kernel would reap the program itself and its exit status would be lost. Restores train's
// SIGCHLD disposition on destruction.
class WaitableChildren {
  public:
    WaitableChildren();
    ~WaitableChildren();
    WaitableChildren(const WaitableChildren&) = delete;
    WaitableChildren& operator=(const WaitableChildren&) = delete;

  private:
    struct sigaction previous_ = {};
    bool changed_ = false;
};

}  // namespace optml::process
