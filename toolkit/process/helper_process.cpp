#include "toolkit/process/helper_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "toolkit/process/os_error.hpp"
#include "toolkit/process/output_relay.hpp"
#include "toolkit/process/pipe.hpp"
#include "toolkit/process/signal_set.hpp"
#include "toolkit/process/spawn.hpp"

namespace optml::process {

namespace {

// glibc 2.36 has wrappers, older headers may not: the raw calls work on every Linux >= 5.3.
int open_pidfd(pid_t pid) {
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

bool send_signal(int pidfd, int signal_number) {
    return ::syscall(SYS_pidfd_send_signal, pidfd, signal_number, nullptr, 0) == 0;
}

// The helper's stderr tail kept for its failure (a tracker that could not start).
constexpr std::size_t kHelperTailBytes = 4 * 1024;

// Waits up to `timeout` for the process behind `pidfd` to exit (the pidfd becomes readable).
bool exited_within(int pidfd, std::chrono::milliseconds timeout) {
    pollfd watched{pidfd, POLLIN, 0};
    for (;;) {
        const int ready = ::poll(&watched, 1, static_cast<int>(timeout.count()));
        if (ready >= 0) return ready > 0;
        if (errno != EINTR) return true;  // cannot watch it: do not wait forever
    }
}

}  // namespace

HelperProcess::HelperProcess(const Command& command, const HelperStreams& streams) {
    std::optional<Pipe> stdout_pipe;
    std::optional<Pipe> stderr_pipe;
    std::optional<Pipe> stdin_pipe;
    if (streams.stdout_filter != nullptr) stdout_pipe = make_pipe();
    if (streams.stderr_filter != nullptr) stderr_pipe = make_pipe();
    if (streams.stdin_pipe) stdin_pipe = make_pipe();
    {
        // Relay threads must not take the SIGCHLD the supervisor waits for: they start with
        // the supervised signals blocked and keep that mask.
        const SignalBlock block;
        if (stdout_pipe) {
            stdout_relay_ = std::make_unique<OutputRelay>(std::move(stdout_pipe->read_end),
                                                          STDOUT_FILENO, 0, streams.stdout_filter);
        }
        if (stderr_pipe) {
            stderr_relay_ =
                std::make_unique<OutputRelay>(std::move(stderr_pipe->read_end), STDERR_FILENO,
                                              kHelperTailBytes, streams.stderr_filter);
        }
    }
    posix_spawnattr_t attributes;
    posix_spawn_file_actions_t actions;
    posix_spawnattr_init(&attributes);
    posix_spawn_file_actions_init(&actions);
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &all);
    // Its own group: the supervisor forwards signals to the program's group only.
    posix_spawnattr_setpgroup(&attributes, 0);
    posix_spawnattr_setflags(
        &attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
    if (stdin_pipe) {
        posix_spawn_file_actions_adddup2(&actions, stdin_pipe->read_end.get(), 0);
    } else {
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    }
    if (stdout_pipe) posix_spawn_file_actions_adddup2(&actions, stdout_pipe->write_end.get(), 1);
    if (stderr_pipe) posix_spawn_file_actions_adddup2(&actions, stderr_pipe->write_end.get(), 2);
    if (!command.cwd.empty()) {
        posix_spawn_file_actions_addchdir_np(&actions, command.cwd.c_str());
    }
    const ExecPlan plan(command);
    const int status =
        posix_spawn(&pid_, plan.executable(), &actions, &attributes, plan.argv(), plan.envp());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    // Only the helper holds the write ends now: EOF on a relay means it is done.
    if (stdout_pipe) stdout_pipe->write_end.reset();
    if (stderr_pipe) stderr_pipe->write_end.reset();
    if (stdin_pipe) stdin_ = std::move(stdin_pipe->write_end);
    if (status != 0) {
        finish_relays(std::chrono::milliseconds(0));
        throw_supervision_error("cannot start " + command.executable, status);
    }
    pidfd_.reset(open_pidfd(pid_));
    if (!pidfd_) {
        const int error_number = errno;
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        throw_supervision_error("cannot watch " + command.executable, error_number);
    }
}

HelperProcess::~HelperProcess() {
    stop(std::chrono::milliseconds(0));
}

void HelperProcess::finish_relays(std::chrono::milliseconds grace) {
    const auto deadline = std::chrono::steady_clock::now() + grace;
    if (stdout_relay_) stdout_relay_->finish(deadline);
    if (stderr_relay_) stderr_tail_ = stderr_relay_->finish(deadline);
    stdout_relay_.reset();
    stderr_relay_.reset();
}

bool HelperProcess::running() const {
    return pidfd_ && !exited_within(pidfd_.get(), std::chrono::milliseconds(0));
}

void HelperProcess::stop(std::chrono::milliseconds grace) {
    stdin_.reset();
    if (!pidfd_) {
        finish_relays(std::chrono::milliseconds(0));
        return;
    }
    if (send_signal(pidfd_.get(), SIGTERM) && !exited_within(pidfd_.get(), grace)) {
        send_signal(pidfd_.get(), SIGKILL);
        exited_within(pidfd_.get(), std::chrono::seconds(5));
    }
    // P_PIDFD reaps exactly this child; ECHILD means the supervisor already did.
    siginfo_t info{};
    constexpr idtype_t by_pidfd = static_cast<idtype_t>(3);  // P_PIDFD, Linux >= 5.4
    while (::waitid(by_pidfd, static_cast<id_t>(pidfd_.get()), &info, WEXITED | WNOHANG) < 0 &&
           errno == EINTR) {
    }
    pidfd_.reset();
    // It is gone: what it wrote is in the pipes, and their EOF comes at once.
    finish_relays(std::chrono::milliseconds(500));
}

void reap_exited_children() {
    for (;;) {
        const pid_t pid = ::waitpid(-1, nullptr, WNOHANG);
        if (pid > 0) continue;
        if (pid < 0 && errno == EINTR) continue;
        return;
    }
}

}  // namespace optml::process
