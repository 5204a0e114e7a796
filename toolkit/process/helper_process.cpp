#include "toolkit/process/helper_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "toolkit/process/os_error.hpp"
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

HelperProcess::HelperProcess(const Command& command) {
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
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (!command.cwd.empty()) {
        posix_spawn_file_actions_addchdir_np(&actions, command.cwd.c_str());
    }
    const ExecPlan plan(command);
    const int status =
        posix_spawn(&pid_, plan.executable(), &actions, &attributes, plan.argv(), plan.envp());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (status != 0) {
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

bool HelperProcess::running() const {
    return pidfd_ && !exited_within(pidfd_.get(), std::chrono::milliseconds(0));
}

void HelperProcess::stop(std::chrono::milliseconds grace) {
    if (!pidfd_) return;
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
