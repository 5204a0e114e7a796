#include "toolkit/process/spawn.hpp"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "toolkit/process/os_error.hpp"
#include "toolkit/process/pipe.hpp"
#include "toolkit/process/signal_set.hpp"

namespace optml::process {

namespace {

// What the child writes to the report pipe when it cannot exec; 8 bytes are written atomically.
enum class FailedStep : int {
    ProcessGroup = 1,
    Stdout,
    Stderr,
    Chdir,
    Exec,
    ShellFallback,
    Stdin,
    ExtraFds
};

struct ChildReport {
    FailedStep step;
    int error_number;
};

// execve takes char* const[] but does not modify the strings.
char* exec_arg(const std::string& text) {
    return const_cast<char*>(text.c_str());
}

[[noreturn]] void report_failure(int report_fd, FailedStep step, int error_number) {
    const ChildReport report{step, error_number};
    [[maybe_unused]] const ssize_t written = write(report_fd, &report, sizeof report);
    _exit(127);
}

// Runs in the forked child: async-signal-safe calls only.
[[noreturn]] void exec_child(const ExecPlan& plan, const ChildFds& fds, int report_fd,
                             const sigset_t& child_mask) {
    if (setpgid(0, 0) != 0) {
        report_failure(report_fd, FailedStep::ProcessGroup, errno);
    }
    struct sigaction default_action = {};
    default_action.sa_handler = SIG_DFL;
    sigemptyset(&default_action.sa_mask);
    for (const int signal_number : child_default_signals) {
        sigaction(signal_number, &default_action, nullptr);
    }
    sigprocmask(SIG_SETMASK, &child_mask, nullptr);
    // Both fds are above 2 (make_pipe), so dup2 makes distinct descriptors without
    // close-on-exec while the originals still close at exec.
    if (fds.stdin_fd >= 0 && dup2(fds.stdin_fd, STDIN_FILENO) < 0) {
        report_failure(report_fd, FailedStep::Stdin, errno);
    }
    if (fds.stdout_fd >= 0 && dup2(fds.stdout_fd, STDOUT_FILENO) < 0) {
        report_failure(report_fd, FailedStep::Stdout, errno);
    }
    if (fds.stderr_fd >= 0 && dup2(fds.stderr_fd, STDERR_FILENO) < 0) {
        report_failure(report_fd, FailedStep::Stderr, errno);
    }
    // A source may sit on another one's target number: first every source moves above all
    // targets (close-on-exec copies), then each lands on its target, which dup2 leaves open.
    const int first_free = STDERR_FILENO + 1 + static_cast<int>(fds.extra.size());
    if (!fds.extra.empty()) {
        // The report pipe itself may sit on a target: its moved copy keeps it open.
        const int moved_report = fcntl(report_fd, F_DUPFD_CLOEXEC, first_free);
        if (moved_report < 0) report_failure(report_fd, FailedStep::ExtraFds, errno);
        report_fd = moved_report;
    }
    int moved[kMaxExtraFds];
    for (std::size_t i = 0; i < fds.extra.size(); ++i) {
        moved[i] = fcntl(fds.extra[i], F_DUPFD_CLOEXEC, first_free);
        if (moved[i] < 0) report_failure(report_fd, FailedStep::ExtraFds, errno);
    }
    for (std::size_t i = 0; i < fds.extra.size(); ++i) {
        if (dup2(moved[i], STDERR_FILENO + 1 + static_cast<int>(i)) < 0) {
            report_failure(report_fd, FailedStep::ExtraFds, errno);
        }
    }
    // As Python's subprocess does (close_fds): what train opened without O_CLOEXEC must not
    // leak into the program. Best effort: kernels before 5.11 lack CLOSE_RANGE_CLOEXEC.
    close_range(static_cast<unsigned>(first_free), ~0U, CLOSE_RANGE_CLOEXEC);
    if (plan.cwd() != nullptr && chdir(plan.cwd()) != 0) {
        report_failure(report_fd, FailedStep::Chdir, errno);
    }
    execve(plan.executable(), plan.argv(), plan.envp());
    if (errno == ENOEXEC && plan.shell_fallback()) {
        execve("/bin/sh", plan.shell_argv(), plan.envp());
        report_failure(report_fd, FailedStep::ShellFallback, errno);
    }
    report_failure(report_fd, FailedStep::Exec, errno);
}

std::string describe(const ChildReport& report, const ExecPlan& plan) {
    const std::string reason = error_text(report.error_number);
    switch (report.step) {
        case FailedStep::ProcessGroup:
            return "cannot create a process group: " + reason;
        case FailedStep::Stdout:
            return "cannot attach stdout: " + reason;
        case FailedStep::Stderr:
            return "cannot attach stderr: " + reason;
        case FailedStep::Chdir:
            return "cannot change directory to " + std::string(plan.cwd()) + ": " + reason;
        case FailedStep::Exec:
            if (report.error_number == E2BIG) {
                // Checked before the plan runs (exec_limits.hpp); this is the kernel's last word.
                return reason +
                       ": its arguments and environment exceed what Linux accepts "
                       "for one program";
            }
            return reason;
        case FailedStep::ShellFallback:
            return "cannot run it with /bin/sh: " + reason;
        case FailedStep::Stdin:
            return "cannot attach stdin: " + reason;
        case FailedStep::ExtraFds:
            return "cannot pass its extra file descriptors: " + reason;
    }
    return reason;
}

// Reads the child's report: 0 bytes (EOF at exec) means it started.
std::size_t read_report(int fd, ChildReport& report) {
    auto* bytes = reinterpret_cast<char*>(&report);
    std::size_t received = 0;
    while (received < sizeof report) {
        const ssize_t n = read(fd, bytes + received, sizeof report - received);
        if (n > 0) {
            received += static_cast<std::size_t>(n);
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    return received;
}

int reap(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

}  // namespace

ExecPlan::ExecPlan(const Command& command)
    : executable_(command.executable.c_str()),
      cwd_(command.cwd.empty() ? nullptr : command.cwd.c_str()),
      shell_fallback_(command.shell_fallback) {
    if (command.argv.empty()) {
        argv_.push_back(exec_arg(command.executable));
    }
    for (const auto& arg : command.argv) {
        argv_.push_back(exec_arg(arg));
    }
    argv_.push_back(nullptr);

    for (const auto& entry : command.env) {
        envp_.push_back(exec_arg(entry));
    }
    envp_.push_back(nullptr);

    static const std::string shell = "/bin/sh";
    shell_argv_.push_back(exec_arg(shell));
    shell_argv_.push_back(exec_arg(command.executable));
    shell_argv_.insert(shell_argv_.end(), argv_.begin() + 1, argv_.end());
}

SpawnResult spawn_program(const ExecPlan& plan, int stdout_fd, int stderr_fd,
                          const sigset_t& child_mask) {
    ChildFds fds;
    fds.stdout_fd = stdout_fd;
    fds.stderr_fd = stderr_fd;
    return spawn_program(plan, fds, child_mask);
}

SpawnResult spawn_program(const ExecPlan& plan, const ChildFds& fds, const sigset_t& child_mask) {
    if (fds.extra.size() > kMaxExtraFds) {
        throw_supervision_error("too many extra file descriptors for a child", EINVAL);
    }
    Pipe report_pipe = make_pipe();
    const pid_t pid = fork();
    if (pid < 0) {
        throw_supervision_error("cannot fork", errno);
    }
    if (pid == 0) {
        exec_child(plan, fds, report_pipe.write_end.get(), child_mask);
    }
    // The child does the same; doing it here too means the group exists whichever runs first.
    // EACCES (the child already exec'd) and the like are harmless.
    setpgid(pid, pid);
    report_pipe.write_end.reset();

    ChildReport report{};
    const std::size_t received = read_report(report_pipe.read_end.get(), report);
    SpawnResult result;
    result.pid = pid;
    if (received == 0) {
        result.started = true;
        return result;
    }
    result.start_error = received == sizeof report ? describe(report, plan)
                                                   : "the program's start could not be confirmed";
    result.wait_status = reap(pid);
    return result;
}

}  // namespace optml::process
