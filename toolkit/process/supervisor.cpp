// Design: one loop in the calling thread owns the program's whole life. The supervised signals
// (forwarded ones + SIGCHLD) are blocked before fork, so they queue for sigtimedwait, which is
// also the loop's only clock. The loop alone reaps (waitpid(-1): orphans adopted by a PID 1 or
// subreaper train too), forwards signals to the program's process group, enforces the stop
// deadline and, once the program exited, terminates what is left of its group (TERM, then KILL).
// Relay threads, started with the mask blocked, only copy output (stderr, and stdout when it is
// filtered); they are joined, bounded, last.
#include "toolkit/process/supervisor.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <optional>

#include "toolkit/errors/error.hpp"
#include "toolkit/process/oom_counter.hpp"
#include "toolkit/process/os_error.hpp"
#include "toolkit/process/output_relay.hpp"
#include "toolkit/process/pipe.hpp"
#include "toolkit/process/signal_set.hpp"
#include "toolkit/process/spawn.hpp"

namespace optml::process {

namespace {

using Clock = std::chrono::steady_clock;

// A thread of train that does not block SIGCHLD may swallow it; reaping at least this often
// means the program's exit is noticed anyway.
constexpr auto lost_sigchld_guard = std::chrono::seconds(1);
// Leftovers adopted by someone else exit without a SIGCHLD to train, so during cleanup the
// group is re-checked at growing intervals up to this.
constexpr auto first_group_check = std::chrono::milliseconds(1);
constexpr auto last_group_check = std::chrono::milliseconds(50);

// A deadline `delay` from `now`; a "never" timeout such as milliseconds::max() must not
// overflow the clock.
Clock::time_point after(Clock::time_point now, std::chrono::milliseconds delay) {
    constexpr std::chrono::milliseconds longest = std::chrono::hours(24 * 365 * 100);
    return now + std::min(delay, longest);
}

struct Reaped {
    std::optional<int> main_status;  // when the main child was among the reaped
    bool no_children_left = false;
};

// Reaps every child that has exited.
Reaped reap_exited(pid_t main_child) {
    Reaped reaped;
    for (;;) {
        int status = 0;
        const pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            if (pid == main_child) {
                reaped.main_status = status;
            }
            continue;
        }
        if (pid < 0 && errno == EINTR) {
            continue;
        }
        reaped.no_children_left = pid < 0 && errno == ECHILD;
        return reaped;
    }
}

class Supervision {
  public:
    Supervision(pid_t child, const sigset_t& signals, const SupervisorOptions& options,
                Outcome& outcome)
        : child_(child), signals_(signals), options_(options), outcome_(outcome) {}

    // Returns the program's wait status once it exited and its group is gone (or outlived
    // the cleanup).
    int run();

  private:
    void on_signal(int signal_number);
    void signal_group(int signal_number) const { kill(-child_, signal_number); }
    bool group_exists() const { return kill(-child_, 0) == 0 || errno == EPERM; }

    const pid_t child_;  // also the process group id
    const sigset_t& signals_;
    const SupervisorOptions& options_;
    Outcome& outcome_;
    std::optional<int> child_status_;
    std::optional<Clock::time_point> stop_deadline_;
    std::optional<Clock::time_point> abort_deadline_;
};

int Supervision::run() {
    enum class Phase { Running, Terminating, Killing };
    Phase phase = Phase::Running;
    Clock::time_point cleanup_deadline{};
    bool killing_at_stop_deadline = false;
    auto group_check = first_group_check;
    for (;;) {
        const Reaped reaped = reap_exited(child_);
        if (reaped.main_status) {
            child_status_ = reaped.main_status;
        } else if (!child_status_ && reaped.no_children_left) {
            // Another waitpid in train took it: waiting on would never end.
            throw errors::Error(errors::ErrorKind::Supervision,
                                "the program was reaped outside the supervisor");
        }
        const auto now = Clock::now();
        if (phase == Phase::Running && child_status_) {
            if (!group_exists()) {
                return *child_status_;
            }
            phase = Phase::Terminating;
            if (stop_deadline_) {
                // The whole group was asked to stop: what is left (a framework's
                // run-entry-point still stopping its own program) keeps the rest of the stop
                // deadline, without a second SIGTERM.
                cleanup_deadline = std::max(*stop_deadline_, after(now, options_.cleanup_timeout));
                killing_at_stop_deadline = true;
            } else {
                signal_group(SIGTERM);
                cleanup_deadline = after(now, options_.cleanup_timeout);
            }
        } else if (phase == Phase::Running && options_.abort != nullptr &&
                   options_.abort->requested() && !outcome_.aborted) {
            signal_group(SIGTERM);
            outcome_.aborted = true;
            abort_deadline_ = after(now, options_.cleanup_timeout);
        } else if (phase == Phase::Running && abort_deadline_ && now >= *abort_deadline_) {
            signal_group(SIGKILL);
            abort_deadline_.reset();
        } else if (phase == Phase::Running && stop_deadline_ && now >= *stop_deadline_) {
            signal_group(SIGKILL);
            outcome_.killed_after_stop_timeout = true;
            stop_deadline_.reset();
        } else if (phase != Phase::Running) {
            if (!group_exists()) {
                return *child_status_;
            }
            if (now >= cleanup_deadline) {
                if (phase == Phase::Killing) {
                    // Unkillable (D state) or zombies whose new parent does not reap them.
                    return *child_status_;
                }
                signal_group(SIGKILL);
                if (killing_at_stop_deadline) outcome_.killed_after_stop_timeout = true;
                phase = Phase::Killing;
                cleanup_deadline = after(now, options_.cleanup_timeout);
            }
        }

        Clock::time_point wake;
        if (phase == Phase::Running) {
            wake = now + lost_sigchld_guard;
            if (stop_deadline_) {
                wake = std::min(wake, *stop_deadline_);
            }
            if (abort_deadline_) {
                wake = std::min(wake, *abort_deadline_);
            }
        } else {
            wake = std::min(now + group_check, cleanup_deadline);
            group_check = std::min(group_check * 2, last_group_check);
        }
        const int signal_number = wait_signal(signals_, wake);
        if (signal_number != 0 && signal_number != SIGCHLD) {
            on_signal(signal_number);
        }
    }
}

void Supervision::on_signal(int signal_number) {
    signal_group(signal_number);
    if (child_status_) {
        return;  // only leftovers got it: not a stop of the program
    }
    if (is_stop_signal(signal_number) && !outcome_.forwarded_stop_signal) {
        outcome_.forwarded_stop_signal = signal_number;
    }
    if (is_stop_signal(signal_number) && !stop_deadline_ && !outcome_.killed_after_stop_timeout) {
        stop_deadline_ = after(Clock::now(), options_.stop_timeout);
    }
}

void record_wait_status(int status, Outcome& outcome) {
    if (WIFEXITED(status)) {
        outcome.exit_status = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        outcome.term_signal = WTERMSIG(status);
    }
}

// Before the old mask comes back: whatever queued since the program's group is gone has no
// one left to go to, and must not hit train's own dispositions (SIGTERM would kill train
// before it reports). Signals train keeps blocked itself stay pending for it to act on.
void discard_pending(const sigset_t& unwanted, pid_t main_child) {
    reap_exited(main_child);
    const timespec immediately{0, 0};
    while (sigtimedwait(&unwanted, nullptr, &immediately) > 0) {
    }
}

}  // namespace

int Outcome::exit_code() const {
    return term_signal != 0 ? 128 + term_signal : exit_status;
}

Outcome run_supervised(const Command& command, const SupervisorOptions& options) {
    const ExecPlan plan(command);
    const std::optional<long long> oom_kills_before = read_oom_kill_count();
    Pipe stderr_pipe = make_pipe();
    std::optional<Pipe> stdout_pipe;
    if (options.stdout_filter != nullptr) {
        stdout_pipe = make_pipe();
    }
    const WaitableChildren waitable;
    const SignalBlock block;
    OutputRelay stderr_relay(std::move(stderr_pipe.read_end), STDERR_FILENO,
                             options.stderr_tail_bytes, options.stderr_filter);
    std::optional<OutputRelay> stdout_relay;
    if (stdout_pipe) {
        stdout_relay.emplace(std::move(stdout_pipe->read_end), STDOUT_FILENO, 0,
                             options.stdout_filter);
    }
    const SpawnResult spawned = spawn_program(plan, stdout_pipe ? stdout_pipe->write_end.get() : -1,
                                              stderr_pipe.write_end.get(), block.child_mask());
    // From now on the program (and what it spawns) holds the only write ends: EOF on a
    // relay means they are all done with that stream.
    stderr_pipe.write_end.reset();
    if (stdout_pipe) {
        stdout_pipe->write_end.reset();
    }

    Outcome outcome;
    int wait_status = spawned.wait_status;
    if (spawned.started) {
        outcome.started = true;
        wait_status = Supervision(spawned.pid, block.signals(), options, outcome).run();
    } else {
        outcome.start_error = spawned.start_error;
    }
    record_wait_status(wait_status, outcome);
    if (outcome.term_signal == SIGKILL && oom_kills_before) {
        const std::optional<long long> oom_kills_after = read_oom_kill_count();
        outcome.out_of_memory = oom_kills_after && *oom_kills_after > *oom_kills_before;
    }
    const auto relays_deadline = after(Clock::now(), options.cleanup_timeout);
    outcome.stderr_tail = stderr_relay.finish(relays_deadline);
    if (stdout_relay) {
        stdout_relay->finish(relays_deadline);
    }
    discard_pending(block.unwanted_after_run(), spawned.pid);
    return outcome;
}

void become_subreaper() {
    if (getpid() == 1) {
        return;
    }
    if (prctl(PR_SET_CHILD_SUBREAPER, 1UL, 0UL, 0UL, 0UL) != 0) {
        throw_supervision_error("cannot become a child subreaper", errno);
    }
}

}  // namespace optml::process
